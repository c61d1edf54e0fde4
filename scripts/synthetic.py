"""Synthetic workspaces for the benchmark: a province, or one district with many communes.

Usage:
    python scripts/synthetic.py province 10x10 DIR   # 1 province, 10 districts of 10 communes
    python scripts/synthetic.py district 3000 DIR    # 1 district whose appendix has 3,000 rows
    python scripts/synthetic.py fields 166x40 DIR    # 1 province of 166 communes, 40 fields each

Each workspace starts as ``reportgen init`` output (the sample's reportgen.toml, meeting
file and folder layout) and replaces units.csv, figures/ and meetings/ with generated
ones: three periods (2021-Q1, 2021-Q4, 2022-Q1, so every comparison of the report has
figures), counts that add up (resolved + in progress = received), a meeting for the
province and every district (so each builds a report, a notice and a bulletin; a commune
builds its report). The numbers come from a seeded generator: the same arguments give
the same files. Nothing here is committed data.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from reportgen.new_workspace import init_workspace

PERIODS = ("2021-Q1", "2021-Q4", "2022-Q1")
HEADER = ("ky,ma_don_vi,truc_tuyen,truc_tiep,buu_chinh,ky_truoc,truoc_han,dung_han,qua_han,"
          "dang_trong_han,dang_qua_han")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Hà", "Hạnh", "Hùng", "Lan", "Linh", "Mai", "Nam", "Phúc", "Quý", "Tâm")
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Võ", "Huỳnh", "Đặng", "Bùi", "Phan", "Ngô")
PLACES = ("Mỹ An", "Tân Hòa", "Phú Điền", "Thạnh Lợi", "Hưng Thạnh", "Trường Xuân", "Láng Biển", "Đốc Binh Kiều",
          "Bình Hàng Trung", "Tân Kiều", "An Phong", "Phong Mỹ", "Gáo Giồng", "Mỹ Quý", "Hòa Bình")


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} Văn {rng.choice(GIVEN)}" if rng.random() < 0.5 else \
        f"{rng.choice(FAMILY)} Thị {rng.choice(GIVEN)}"


def _place(index: int) -> str:
    base = PLACES[index % len(PLACES)]
    return base if index < len(PLACES) else f"{base} {index // len(PLACES) + 1}"


def _figures(rng: random.Random, period: str, code: str, scale: int, field: str | None = None) -> str:
    online, direct, postal, carried = (rng.randint(0, scale // 4), rng.randint(scale // 2, scale),
                                       rng.randint(0, scale // 10), rng.randint(0, scale // 20))
    received = online + direct + postal + carried
    late, overdue = rng.randint(0, max(1, received // 200)), rng.randint(0, max(1, received // 500))
    in_time = rng.randint(0, max(1, received // 20))
    resolved = received - in_time - overdue
    early = rng.randint(resolved // 2, resolved - late)
    on_time = resolved - late - early
    quoted = f'"{field}"' if field and "," in field else field  # "Phổ biến, giáo dục pháp luật"
    key = f"{period},{code}" if field is None else f"{period},{code},{quoted}"
    return f"{key},{online},{direct},{postal},{carried},{early},{on_time},{late},{in_time},{overdue}"


def _meeting(sample: str, code: str, name_lower: str, chair: str) -> str:
    """The sample meeting file with this unit's code and chair."""
    lines = []
    for line in sample.splitlines():
        if line.startswith("don_vi:"):
            line = f"don_vi: {code}"
        elif line.strip().startswith("ho_ten:"):
            line = f"  ho_ten: {chair}"
        elif line.strip().startswith("chuc_vu:"):
            line = f"  chuc_vu: Chủ tịch Ủy ban nhân dân {name_lower}"
        elif line.strip().startswith("danh_xung:"):
            line = f"  danh_xung: {'bà' if ' Thị ' in chair else 'ông'}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def write_workspace(target: Path, units: list[tuple[str, str, str, str, str, str]], with_meeting: set[str],
                    seed: int = 1, fields: int = 0) -> Path:
    """``reportgen init`` into ``target``, then the given units, their figures and meetings.

    ``fields``: the communes give their figures by field of procedure (a ``linh_vuc`` column),
    one row for each of the first ``fields`` of reportgen's list; the other units a total row."""
    target = Path(target)
    init_workspace(target)
    rng = random.Random(seed)
    rows = ["ma_don_vi,ten_don_vi,cap,ma_cap_tren,dia_danh,nguoi_ky"]
    rows += [",".join(unit) for unit in units]
    (target / "units.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    for old in (target / "figures").iterdir():
        old.unlink()
    scale = {"tinh": 4000, "huyen": 2000, "xa": 600}
    names = _fields(fields)
    if len(names) < fields:
        raise SystemExit(f"reportgen's list has {len(names)} fields, not {fields}")
    header = HEADER.replace("ma_don_vi,", "ma_don_vi,linh_vuc,") if fields else HEADER
    for period in PERIODS:
        lines = [header]
        for code, _name, level, *_ in units:
            if fields and level == "xa":
                lines += [_figures(rng, period, code, max(20, scale[level] // fields), name) for name in names]
            else:
                lines.append(_figures(rng, period, code, scale[level], "" if fields else None))
        (target / "figures" / f"mot-cua-{period.lower()}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    meetings = target / "meetings"
    sample = next(meetings.glob("*.yaml")).read_text(encoding="utf-8")
    for old in meetings.iterdir():
        old.unlink()
    signers = []
    for code, name, level, _parent, _place_name, chair in units:
        if code not in with_meeting:
            continue
        word, rest = name.split(" ", 1)
        name_lower = f"{word.lower()} {rest}"
        (meetings / f"2022-q1-{code.lower()}.yaml").write_text(_meeting(sample, code, name_lower, chair),
                                                              encoding="utf-8")
        # a commune's notice is its People's Committee's (signed by order of the chair), a
        # district's or province's its office's own (signed by the office head as such)
        by_order = 'authority = "TL. CHỦ TỊCH"\n' if level == "xa" else ""
        signers.append(f'\n[signers.{code}.thong-bao]\nname = "{_person(rng)}"\ntitle = "CHÁNH VĂN PHÒNG"\n'
                       + by_order)
    config = target / "reportgen.toml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("on_time_share = { huyen = 0.98, xa = 0.98 }",
                        "on_time_share = { tinh = 0.98, huyen = 0.98, xa = 0.98 }")
    text = text.replace("online_share = { huyen = 0.10, xa = 0.01 }",
                        "online_share = { tinh = 0.10, huyen = 0.10, xa = 0.01 }")
    text = _drop_sample_signers(text)
    config.write_text(text + "".join(signers), encoding="utf-8")
    return target


def _fields(count: int) -> tuple[str, ...]:
    """The first ``count`` fields of procedure of reportgen's list (reportgen/linh-vuc.txt)."""
    if not count:
        return ()
    from reportgen.procedure_fields import shipped  # noqa: PLC0415 (only a workspace by field needs the list)

    return shipped()[:count]


def _drop_sample_signers(text: str) -> str:
    """The sample's [signers.TM.*] tables name a unit the synthetic workspace does not have."""
    kept, skipping = [], False
    for line in text.splitlines():
        if line.startswith("["):
            skipping = line.startswith("[signers.")
        if not skipping:
            kept.append(line)
    return "\n".join(kept) + "\n"


def province_units(districts: int, communes: int, seed: int = 1):
    """1 province (P), ``districts`` districts (P-D01...), each with ``communes`` communes."""
    rng = random.Random(seed)
    units = [("P", "Tỉnh Đồng Sen", "tinh", "", "Đồng Sen", _person(rng))]
    for d in range(1, districts + 1):
        code = f"P-D{d:02d}"
        place = _place(d - 1)
        units.append((code, f"Huyện {place}", "huyen", "P", place, _person(rng)))
        for c in range(1, communes + 1):
            commune = _place(c - 1)
            units.append((f"{code}-X{c:03d}", f"Xã {commune}", "xa", code, commune, _person(rng)))
    return units


def district_units(communes: int, seed: int = 1):
    """One district (D) and ``communes`` communes: the district's appendix has that many rows."""
    rng = random.Random(seed)
    units = [("D", "Huyện Tháp Sen", "huyen", "", "Tháp Sen", _person(rng))]
    units += [(f"D-X{c:04d}", f"Xã {_place(c - 1)}", "xa", "D", _place(c - 1), _person(rng))
              for c in range(1, communes + 1)]
    return units


def two_tier_units(communes: int, seed: int = 1):
    """A province since 2025 (P): ``communes`` communes and wards (P-X001...), no districts."""
    rng = random.Random(seed)
    units = [("P", "Tỉnh Đồng Sen", "tinh", "", "Đồng Sen", _person(rng))]
    units += [(f"P-X{c:03d}", f"Xã {_place(c - 1)}", "xa", "P", _place(c - 1), _person(rng))
              for c in range(1, communes + 1)]
    return units


def make_fields_province(target: Path, shape: str, seed: int = 1) -> Path:
    """``shape`` is ``CxF``: a province of C communes (two tiers), each giving F fields."""
    communes, fields = (int(n) for n in shape.lower().split("x"))
    return write_workspace(target, two_tier_units(communes, seed), {"P"}, seed, fields)


def make_province(target: Path, shape: str, seed: int = 1) -> Path:
    """``shape`` is ``DxC``: D districts of C communes each."""
    districts, communes = (int(n) for n in shape.lower().split("x"))
    units = province_units(districts, communes, seed)
    return write_workspace(target, units, {u[0] for u in units if u[2] != "xa"}, seed)


def make_district(target: Path, communes: int, seed: int = 1) -> Path:
    return write_workspace(target, district_units(communes, seed), set(), seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("shape", choices=["province", "district", "fields"])
    parser.add_argument("size", help="DxC for a province (10x10), a number of communes for a district (3000), "
                                     "CxF for a two-tier province of C communes giving F fields each (166x40)")
    parser.add_argument("target", type=Path, help="new or empty folder")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.shape == "province":
        make_province(args.target, args.size, args.seed)
    elif args.shape == "fields":
        make_fields_province(args.target, args.size, args.seed)
    else:
        make_district(args.target, int(args.size), args.seed)
    print(args.target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
