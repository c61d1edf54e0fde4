"""Context: the parts every kind's context is made of, built before any rendering.

The shapes are declared in :mod:`reportgen.context_types` and documented in docs/templates.md.

Each kind's builder (:mod:`reportgen.kinds`) assembles one plain dict per document
(kind × unit × period) from these parts. Numbers stay numbers here; the ``vi`` filters
format them in the templates.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd

from reportgen import indicators as ind
from reportgen.columns import BY_KEY, COUNT, KEYS, OPTIONAL, appendix_groups
from reportgen.context_types import Common, Doc, FieldTable, Figures, OwnText, Unit
from reportgen.errors import InvalidInput, Problem
from reportgen.periods import Period
from reportgen.schema import SECTION_KEYS, Signer
from reportgen.vi.unit_names import level_word, lower_level_word, strip_level_word
from reportgen.workspace_types import Workspace

if TYPE_CHECKING:
    from reportgen.job import Job
    from reportgen.kinds.kind import Kind

RANKED_MIN = 3  # units with a 766 score for the report to rank them


def unit_info(ws: Workspace, code: str) -> Unit:
    """Names of a unit as documents write them."""
    row = ws.units.loc[code]
    name = row["ten_don_vi"]
    level = row["cap"]
    info = {
        "code": code,
        "name": name,
        "name_lower": lower_level_word(name),
        "level": level,
        "level_label": ws.config.labels.levels.get(level, level),
        "level_word": level_word(name),
        "place": row["dia_danh"] or strip_level_word(name),
        "has_below": bool((ws.units["ma_cap_tren"] == code).any()),
    }
    info["office"] = _in_words(ws.config.labels.office.get(level, ""), info)
    return info


def _in_words(template: str, info: dict) -> str:
    """A [labels] name of a unit's office: {cap} the unit's level word, {don_vi} its name in running text."""
    return template.replace("{cap}", info["level_word"]).replace("{don_vi}", info["name_lower"])


def document_frame(ws: Workspace, job: Job, kind: Kind, subject: str, date: dt.date) -> Doc:
    """The ``doc`` dict of the Decree 30 blocks (see templates/macros.html.j2).

    The issuer is the one :meth:`reportgen.kinds.kind.Kind.issuer_for` chooses: the
    workspace's ``[issuers."<kind>.<level>"]``, else the kind's default for the level, else
    ``[issuers.<kind>]``, else the kind's default.
    """
    unit = unit_info(ws, job.unit)
    issuer, _ = kind.issuer_for(ws.config.issuers, unit["level"])
    upper = unit["name"].upper()
    return {
        "kind": job.kind,
        "issuer": {
            "parent": issuer.parent.replace("{don_vi}", upper) if issuer.parent else None,
            "lines": [line.replace("{don_vi}", upper) for line in issuer.body],
            "name": issuer.name.replace("{don_vi}", unit["name_lower"]),
        },
        "number": issuer.number,
        "symbol": issuer.symbol,
        "place": unit["place"],
        "date": date,
        "type": kind.doc_type,
        "subject": issuer.subject or subject,
        "signature": _signature(ws, job, kind),
        "recipients": list(issuer.recipients) or _default_recipients(ws, job, kind),
        "archive": issuer.archive,
        "margins": ws.config.page.model_dump(),
    }


def _default_recipients(ws: Workspace, job: Job, kind: Kind) -> list[str]:
    """Without configured recipients, a unit's report goes to the People's Committee of the
    unit above it, whatever its level ("UBND tỉnh Khánh Hòa (b/c)" for a ward since 2025)."""
    parent = ws.units.at[job.unit, "ma_cap_tren"]
    if not kind.chair_signs or not parent or parent not in ws.units.index:
        return []
    return [f"UBND {unit_info(ws, parent)['name_lower']} (b/c)"]


def _signature(ws: Workspace, job: Job, kind: Kind) -> dict:
    signer = ws.config.signers.get(job.unit, {}).get(kind.name)
    if signer is None:
        authority, title = kind.signer or (None, "")
        # units.csv's nguoi_ky is the chair: it signs where the kind says so (the report),
        # never the office's notice
        name = ws.units.at[job.unit, "nguoi_ky"] if kind.chair_signs else ""
        if not name:
            raise InvalidInput([Problem(
                "reportgen.toml", f"chưa có người ký {kind.name} của đơn vị {job.unit}: thêm "
                f"[signers.{job.unit}.{kind.name}] (name, title, authority)"
                + (" hoặc cột nguoi_ky trong units.csv" if kind.chair_signs else ""),
                column=f"signers.{job.unit}.{kind.name}")])
        signer = Signer(name=name, title=title, authority=authority)
    return signer.model_dump()


def figures_context(ws: Workspace, unit: str, period: Period) -> Figures:
    """Every figure a document about ``unit`` in ``period`` may state."""
    scope = ind.scope_of(ws.units, unit)
    current = period
    totals = ind.level_totals(ws.figures, scope, period)
    previous = ind.comparable_totals(ws.figures, scope, period, current.previous())
    year_before = ind.comparable_totals(ws.figures, scope, period, current.year_before())
    levels = []
    missing = []
    for level in scope.levels:
        rows = ind.unit_rows(ws.figures, period, scope.members[level])
        if rows.empty:  # no unit of this level reported: say so, never print zeros
            missing += [ws.units.at[c, "ten_don_vi"] for c in scope.members[level]]
            continue
        level_ctx = _level_context(ws, scope, level, totals, rows)
        # nothing is compared with a time before the level's units were founded
        founded = max((ws.founded[c] for c in rows.index if c in ws.founded), default=None)
        level_ctx["previous"] = _changes(previous, level, current.previous(), founded, ws.config.cutoff.ngay_chot)
        level_ctx["year_before"] = _changes(year_before, level, current.year_before(), founded,
                                            ws.config.cutoff.ngay_chot)
        levels.append(level_ctx)
    start, end = current.window(ws.config.cutoff.ngay_chot, ws.founded.get(unit))
    total = _numbers(ind.derive(ind.typed(ind.add_up(totals[[k for k in KEYS if k in totals.columns]])
                                          .to_frame().T)).iloc[0])
    return {
        "period": current,
        "next_period": current.next(),
        "previous_period": current.previous(),
        "year_before": current.year_before(),
        "cutoff": {"start": start, "end": end},
        "levels": levels,
        "level": {lv["key"]: lv for lv in levels},
        "missing_levels": missing,
        "all_targets_met": _all_targets_met(levels),
        "total": total,
        **_present(ws, [u for lv in levels for u in lv["units"]]),
        "fields": fields_table(ws, period, levels, total),
    }


FIELDS_NAMED = 3  # the report names the fields with the most late (overdue) files, up to this many


def fields_table(ws: Workspace, period: Period, levels: list[dict], total: dict) -> FieldTable | None:
    """The document's figures by field of procedure: the sum over its units that give fields, one
    row per field in the fields' order (reportgen/procedure_fields.py), the units that give totals as one row
    "not by field", and the document's total; None when none of its units gives fields."""
    codes = [u["code"] for lv in levels for u in lv["units"]]
    units = ind.field_counts(ws.fields, ws.figures, period)
    given = [c for c in codes if c in units]
    if not given:
        return None
    sums = ind.by_field([units[c] for c in given])
    order = sorted(sums.index, key=ws.field_index.order)
    derived = ind.derive(ind.typed(sums.loc[order])).to_dict("records")
    rows = [{"name": name, "name_lower": field_words(name), **_numbers(row)} for name, row in zip(order, derived)]
    others = [c for c in codes if c not in units]
    unclassified = None
    if others:
        counts = ind.period_counts(ws.figures, period)
        unclassified = _numbers(ind.derive(ind.typed(ind.add_up(counts.loc[others]).to_frame().T)).iloc[0])
    groups = appendix_groups(present_columns(rows), ws.config.labels.columns)
    return {
        "rows": rows,
        "alone": len(codes) == 1,
        "units": len(given),
        "unclassified": unclassified,
        "unclassified_units": [ws.units.at[c, "ten_don_vi"] for c in others],
        "total": total,
        "late": _most(rows, "qua_han"),
        "overdue": _most(rows, "dang_qua_han"),
        "without_delay": sum(1 for r in rows if not r["qua_han"] and not r["dang_qua_han"]),
        "extra_groups": groups,
        "extra_columns": [column for group in groups for column in group["columns"]],
    }


def _most(rows: list[dict], column: str) -> list[dict]:
    """The fields with files in ``column``, the most first (the fields' order between equals)."""
    late = [r for r in rows if r[column]]
    return [_entry(r["name"], count=r[column]) | {"name_lower": r["name_lower"]}
            for r in sorted(late, key=lambda r: -r[column])]


def field_words(name: str) -> str:
    """A field's name in running text: in lower case, an abbreviation kept ("Đất đai" -> "đất đai",
    "Lao động – Thương binh và Xã hội" -> "lao động – thương binh và xã hội", "TTHC" stays)."""
    return " ".join(w if len(w) > 1 and w.isupper() else w.lower() for w in name.split())


def _present(ws: Workspace, rows: list[dict]) -> dict:
    present = present_columns(rows)
    groups = appendix_groups(present, ws.config.labels.columns)
    return {"present": present, "extra_groups": groups,
            "extra_columns": [column for group in groups for column in group["columns"]]}


def present_columns(rows: list[dict]) -> list[str]:
    """The optional columns (reportgen.columns) that at least one of ``rows`` gives, in order:
    the document states them, and its appendix and workbook have a column for each."""
    return [key for key in OPTIONAL if any(row.get(key) is not None for row in rows)]


def _level_context(ws, scope, level, totals, rows) -> dict:
    targets = ws.config.targets
    names = {code: ws.units.at[code, "ten_don_vi"] for code in rows.index}
    label = ws.config.labels.levels.get(level, level)
    own = level == scope.level
    rows_named = dict(names)
    if own and len(scope.levels) > 1:
        # the appendix row of the unit's own office, beside the levels below it: a name that
        # cannot be read as the total
        rows_named[scope.unit] = own_office_name(ws, scope.unit)
    return {
        "key": level,
        "label": label,
        # how sentences name the level: a unit alone in its document speaks of itself by
        # name ("phường Long Xuyên"), never as "cấp xã"
        "name": unit_info(ws, scope.unit)["name_lower"] if own and len(scope.levels) == 1 else label,
        "own": own,
        "totals": _numbers(totals.loc[level]),
        "units": [{"code": c, "name": names[c], "row_name": rows_named[c], **_numbers(rows.loc[c])}
                  for c in rows.index],
        "missing_units": [ws.units.at[c, "ten_don_vi"] for c in scope.members[level] if c not in rows.index],
        "ranked_766": _scored(rows, names) if not own else [],
        "ranked_online": _named(rows, [c for c in ind.ranked(rows, "online_share")
                                       if rows.at[c, "online_share"] is not None], names, "online_share"),
        "below_online": _named(rows, ind.below(rows, "online_share", targets.online_share.get(level)), names, "online_share"),
        "below_on_time": _named(rows, ind.below(rows, "on_time_share", targets.on_time_share.get(level)), names, "on_time_share"),
        "late": [_entry(names[c], count=n) for c, n in ind.with_late(rows, "qua_han").items()],
        "overdue": [_entry(names[c], count=n) for c, n in ind.with_late(rows, "dang_qua_han").items()],
        "online_target": targets.online_share.get(level),
        "on_time_target": targets.on_time_share.get(level),
    }


def own_office_name(ws: Workspace, code: str) -> str:
    """The appendix row of a unit's own one-stop office: ``[labels.own_office]`` of its level,
    ``{cap}`` replaced by the unit's level word ("Trung tâm Phục vụ hành chính công tỉnh")."""
    template = ws.config.labels.own_office.get(ws.units.at[code, "cap"])
    if not template:
        return ws.units.at[code, "ten_don_vi"]
    return _in_words(template, unit_info(ws, code))


def own_text(ws: Workspace, job: Job, meeting: dict | None, with_file: bool = True) -> OwnText:
    """The office's own text of a report, by section (schema.SectionTexts), each section from
    the first of: the unit's noi-dung file for the period; the meeting file (ket_qua, left
    to the template's sentence, nguyen_nhan, nhiem_vu); ``[noi_dung.don_vi.<unit>]``;
    ``tasks_next_quarter`` (tasks of the workspace's highest unit only, a unit without
    ma_cap_tren); ``[noi_dung.cap.<level>]``. ``{don_vi}`` and ``{mot_cua}`` are replaced
    by the unit's name and its office's; an empty list: nothing given (the template's own
    sentence, or no paragraph). ``with_file=False``: what the report says without the file."""
    defaults = ws.config.noi_dung
    code, info = job.unit, unit_info(ws, job.unit)
    file = ws.texts.get((job.period, code)) if with_file else None
    said = meeting or {}
    layers = [
        file.model_dump() if file else {},
        {"chi_dao_dieu_hanh": MEETING_SAYS if said.get("ket_qua") else [],
         "nguyen_nhan": said.get("nguyen_nhan") or [], "nhiem_vu": said.get("nhiem_vu") or []},
        defaults.don_vi[code].model_dump() if code in defaults.don_vi else {},
        {} if ws.units.at[code, "ma_cap_tren"] else {"nhiem_vu": ws.config.tasks_next_quarter},
        defaults.cap[info["level"]].model_dump() if info["level"] in defaults.cap else {},
    ]
    words = {"{don_vi}": info["name_lower"], "{mot_cua}": info["office"]}
    text = {}
    for key in SECTION_KEYS:
        found = next((layer[key] for layer in layers if layer.get(key)), [])
        text[key] = [] if found is MEETING_SAYS else [_replaced(item, words) for item in found]
    return text


MEETING_SAYS = ["(the meeting file's sentence)"]  # a section the template words from the meeting file


def _replaced(text: str, words: dict[str, str]) -> str:
    for placeholder, value in words.items():
        text = text.replace(placeholder, value)
    return text


def _all_targets_met(levels: list[dict]) -> bool:
    """True only when every unit has both shares and meets every target that is set."""
    checks = []
    for lv in levels:
        for unit in lv["units"]:
            for share, target in (("online_share", lv["online_target"]), ("on_time_share", lv["on_time_target"])):
                if target is not None:
                    checks.append(unit[share] is not None and unit[share] >= target)
    return bool(checks) and all(checks)


def _changes(comparable: dict, level: str, other: Period, founded: dt.date | None = None, end_day: int = 14) -> dict:
    """The level's figures in another period; ``reason`` says why there are none (``founded``:
    the other period ended before the level's units were founded, on ``founded``)."""
    row, reason = comparable[level]
    if founded is not None and other.window(end_day)[1] < founded:
        row, reason = None, "founded"
    out = {column: (None if row is None else ind.plain(row[column]))
           for column in ("truc_tuyen", "buu_chinh", "received", "online_share", "on_time_share")}
    return {**out, "period": other, "available": row is not None, "reason": reason,
            "founded": founded if reason == "founded" else None}


def _named(rows: pd.DataFrame, codes: list[str], names: dict, column: str) -> list[dict]:
    return [_entry(names[c], share=rows.at[c, column]) for c in codes]


def _scored(rows: pd.DataFrame, names: dict) -> list[dict]:
    """Units by their 766 score, highest first, when three or more have one (a ranking of two says little)."""
    scored = [c for c in ind.ranked(rows, "chi_so_766") if pd.notna(rows.at[c, "chi_so_766"])]
    if len(scored) < RANKED_MIN:
        return []
    return [_entry(names[c], score=float(rows.at[c, "chi_so_766"])) for c in scored]


def _entry(name: str, **values) -> dict:
    return {"name": name, "name_lower": lower_level_word(name), **values}


def _numbers(series: pd.Series | dict) -> dict:
    """A row's figures as Python numbers: an optional column not given is None, a count an int."""
    out = {}
    for key, value in series.items():
        if str(key).startswith("_"):
            continue
        value = ind.plain(value)
        if isinstance(value, float) and value != value:
            value = None
        elif key in BY_KEY and BY_KEY[key].kind == COUNT and value is not None:
            value = int(value)
        out[key] = value
    return out


def figures_taken(ws: Workspace, job: Job, report_date: dt.date, end: dt.date) -> dt.date:
    """The last day of the figures a document dated ``report_date`` states: the meeting
    file's ``so_lieu_den``, else ``[cutoff.so_lieu_den]`` of the period, else the window's
    end, or the day before the report when it is dated before the window ends (a report
    of 09/3 cannot have figures up to 14/3)."""
    meeting = ws.meetings.get((job.period, job.unit))
    taken = (meeting.so_lieu_den if meeting else None) or ws.config.cutoff.so_lieu_den.get(job.period)
    if taken:
        return taken
    return min(end, report_date - dt.timedelta(days=1)) if report_date < end else end


def common(ws: Workspace, job: Job) -> Common:
    """The parts every kind has: unit, fig, meeting (or None), labels."""
    meeting = ws.meetings.get((job.period, job.unit))
    unit = unit_info(ws, job.unit)
    return {
        "unit": unit,
        "fig": figures_context(ws, job.unit, job.period),
        "meeting": meeting.model_dump() if meeting else None,
        "labels": ws.config.labels.model_dump(),
    }
