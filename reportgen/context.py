"""Context: one plain dict per document (kind × unit × period), built before any rendering.

Numbers stay numbers here; the ``vi`` filters format them in the templates.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from reportgen import indicators as ind
from reportgen.errors import InvalidInput, Problem
from reportgen.periods import Period
from reportgen.plan import Job
from reportgen.schema import Issuer, Signer
from reportgen import vi
from reportgen.charts import online_share_chart
from reportgen.vi import cutoff_dates
from reportgen.workspace import Workspace

LEVEL_WORDS = ("Thị trấn", "Thành phố", "Thị xã", "Phường", "Huyện", "Tỉnh", "Xã")
DEFAULT_ISSUERS = {
    "bao-cao": Issuer(symbol="BC-UBND"),
    "thong-bao": Issuer(parent="UBND {don_vi}", body=["VĂN PHÒNG HĐND VÀ UBND"], symbol="TB-VP",
                        name="Văn phòng HĐND và UBND {don_vi}"),
    # a commune has no office of its own: its People's Committee issues the notice
    "thong-bao.xa": Issuer(symbol="TB-UBND"),
    "tin-tuc": Issuer(body=[], symbol=""),
}
DEFAULT_SIGNERS = {
    "bao-cao": ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
    "thong-bao": ("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"),
}


def unit_info(ws: Workspace, code: str) -> dict:
    """Names of a unit as documents write them."""
    row = ws.units.loc[code]
    name = row["ten_don_vi"]
    level = row["cap"]
    return {
        "code": code,
        "name": name,
        "name_lower": _lower_level_word(name),
        "level": level,
        "level_label": ws.config.labels.levels.get(level, level),
        "place": row["dia_danh"] or _strip_level_word(name),
    }


def _strip_level_word(name: str) -> str:
    for word in LEVEL_WORDS:
        if name.startswith(word + " "):
            return name[len(word) + 1:]
    return name


def _level_word(name: str) -> str:
    """``Thị trấn Mỹ An`` -> ``thị trấn``; ``""`` for a name without a level word."""
    return next((word.lower() for word in LEVEL_WORDS if name.startswith(word + " ")), "")


def _lower_level_word(name: str) -> str:
    """``Huyện Tháp Mười`` -> ``huyện Tháp Mười`` (the administrative word in lower case)."""
    for word in LEVEL_WORDS:
        if name.startswith(word + " "):
            return word.lower() + name[len(word):]
    return name


def document_frame(ws: Workspace, job: Job, subject: str, doc_type: str, date: dt.date) -> dict:
    """The ``doc`` dict of the Decree 30 blocks (see templates/macros.html.j2)."""
    unit = unit_info(ws, job.unit)
    issuers = ws.config.issuers
    specific = f"{job.kind}.{unit['level']}"
    issuer = (issuers.get(specific) or DEFAULT_ISSUERS.get(specific) or issuers.get(job.kind)
              or DEFAULT_ISSUERS[job.kind])
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
        "type": doc_type,
        "subject": issuer.subject or subject,
        "signature": _signature(ws, job),
        "recipients": list(issuer.recipients),
        "archive": issuer.archive,
        "margins": ws.config.page.model_dump(),
    }


def _signature(ws: Workspace, job: Job) -> dict:
    signer = ws.config.signers.get(job.unit, {}).get(job.kind)
    if signer is None:
        authority, title = DEFAULT_SIGNERS.get(job.kind, (None, ""))
        # units.csv's nguoi_ky is the chair: it signs the report, never the office's notice
        name = ws.units.at[job.unit, "nguoi_ky"] if job.kind == "bao-cao" else ""
        if not name:
            raise InvalidInput([Problem(
                "reportgen.toml", f"chưa có người ký {job.kind} của đơn vị {job.unit}: thêm "
                f"[signers.{job.unit}.{job.kind}] (name, title, authority)"
                + (" hoặc cột nguoi_ky trong units.csv" if job.kind == "bao-cao" else ""),
                column=f"signers.{job.unit}.{job.kind}")])
        signer = Signer(name=name, title=title, authority=authority)
    return signer.model_dump()


def figures_context(ws: Workspace, unit: str, period: str) -> dict:
    """Every figure a document about ``unit`` in ``period`` may state."""
    scope = ind.scope_of(ws.units, unit)
    current = Period.parse(period)
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
        level_ctx["previous"] = _changes(previous, level, current.previous())
        level_ctx["year_before"] = _changes(year_before, level, current.year_before())
        levels.append(level_ctx)
    start, end = cutoff_dates(current)
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
        "total": _numbers(ind.derive(totals[list(ind.COUNTS)].sum().to_frame().T).iloc[0]),
    }


def _level_context(ws, scope, level, totals, rows) -> dict:
    targets = ws.config.targets
    names = {code: ws.units.at[code, "ten_don_vi"] for code in rows.index}
    return {
        "key": level,
        "label": ws.config.labels.levels.get(level, level),
        "own": level == scope.level,
        "totals": _numbers(totals.loc[level]),
        "units": [{"code": c, "name": names[c], **_numbers(rows.loc[c])} for c in rows.index],
        "missing_units": [ws.units.at[c, "ten_don_vi"] for c in scope.members[level] if c not in rows.index],
        "ranked_online": _named(rows, [c for c in ind.ranked(rows, "online_share")
                                       if rows.at[c, "online_share"] is not None], names, "online_share"),
        "below_online": _named(rows, ind.below(rows, "online_share", targets.online_share.get(level)), names, "online_share"),
        "below_on_time": _named(rows, ind.below(rows, "on_time_share", targets.on_time_share.get(level)), names, "on_time_share"),
        "late": [_entry(names[c], count=n) for c, n in ind.with_late(rows, "qua_han").items()],
        "overdue": [_entry(names[c], count=n) for c, n in ind.with_late(rows, "dang_qua_han").items()],
        "online_target": targets.online_share.get(level),
        "on_time_target": targets.on_time_share.get(level),
    }


def _all_targets_met(levels: list[dict]) -> bool:
    """True only when every unit has both shares and meets every target that is set."""
    checks = []
    for lv in levels:
        for unit in lv["units"]:
            for share, target in (("online_share", lv["online_target"]), ("on_time_share", lv["on_time_target"])):
                if target is not None:
                    checks.append(unit[share] is not None and unit[share] >= target)
    return bool(checks) and all(checks)


def _changes(comparable: dict, level: str, other: Period) -> dict:
    """The level's figures in another period; ``reason`` says why there are none."""
    row, reason = comparable[level]
    out = {column: (None if row is None else ind.plain(row[column]))
           for column in ("truc_tuyen", "buu_chinh", "received", "online_share", "on_time_share")}
    return {**out, "period": other, "available": row is not None, "reason": reason}


def _named(rows: pd.DataFrame, codes: list[str], names: dict, column: str) -> list[dict]:
    return [_entry(names[c], share=rows.at[c, column]) for c in codes]


def _entry(name: str, **values) -> dict:
    return {"name": name, "name_lower": _lower_level_word(name), **values}


def _numbers(series: pd.Series) -> dict:
    return {k: ind.plain(v) for k, v in series.items() if not str(k).startswith("_")}


def build_context(ws: Workspace, job: Job) -> tuple[str, dict, dict[str, bytes]]:
    """The template name, the context and the assets (file name -> bytes) of one document."""
    builders = {"bao-cao": _report, "thong-bao": _notice, "tin-tuc": _bulletin}
    return builders[job.kind](ws, job)


def _common(ws: Workspace, job: Job) -> dict:
    meeting = ws.meetings.get((job.period, job.unit))
    unit = unit_info(ws, job.unit)
    return {
        "unit": unit,
        "fig": figures_context(ws, job.unit, job.period),
        "meeting": meeting.model_dump() if meeting else None,
        "labels": ws.config.labels.model_dump(),
        "chair_short": f"Chủ tịch Ủy ban nhân dân {_level_word(unit['name'])}".rstrip(),
    }


def _report(ws: Workspace, job: Job):
    ctx = _common(ws, job)
    period = Period.parse(job.period)
    meeting = ctx["meeting"]
    # the report goes to the meeting: dated as the meeting file says, else the meeting's
    # day; without a meeting, the day the figures are cut off (Decree 09/2019, art. 12)
    date = (meeting["ngay_bao_cao"] or meeting["ngay"]) if meeting else ctx["fig"]["cutoff"]["end"]
    ctx["doc"] = document_frame(ws, job, f"Kết quả tiếp nhận, giải quyết thủ tục hành chính {vi.period(period)}",
                                "BÁO CÁO", date)
    ctx["tasks"] = (meeting or {}).get("nhiem_vu") or ws.config.tasks_next_quarter
    assets = _chart(ctx["fig"])
    ctx["chart"] = next(iter(assets), None)
    return "bao-cao.html.j2", ctx, assets


def _chart(fig: dict) -> dict[str, bytes]:
    """One chart of the online share by unit, at the level with several units."""
    level = next((lv for lv in fig["levels"] if len(lv["units"]) > 1), None)
    if level is None:
        return {}
    title = f"Tỷ lệ hồ sơ tiếp nhận trực tuyến {level['label']}, {vi.period(fig['period'])}"
    png = online_share_chart([u["name"] for u in level["units"]], [u["online_share"] for u in level["units"]],
                             level["online_target"], title)
    return {"ty-le-truc-tuyen.png": png}


def _notice(ws: Workspace, job: Job):
    ctx = _common(ws, job)
    meeting = ws.meetings[(job.period, job.unit)]
    subject = (f"Kết luận của Chủ tịch Ủy ban nhân dân {ctx['unit']['name_lower']} tại cuộc họp đánh giá kết quả "
               f"thực hiện cải cách hành chính {vi.period(job.period)} và triển khai nhiệm vụ trọng tâm năm "
               f"{Period.parse(job.period).year}")
    ctx["doc"] = document_frame(ws, job, subject, "THÔNG BÁO", meeting.ngay_thong_bao or meeting.ngay)
    return "thong-bao.html.j2", ctx, {}


def _bulletin(ws: Workspace, job: Job):
    ctx = _common(ws, job)
    meeting = ws.meetings[(job.period, job.unit)]
    ctx["news"] = _news(ctx["fig"], ws)
    ctx["headline"] = _headline(ctx["fig"], ctx["labels"], ctx["news"])
    ctx["doc"] = {"kind": "tin-tuc", "subject": f"{ctx['unit']['name'].upper()}: {ctx['headline']}",
                  "date": meeting.ngay, "margins": ws.config.page.model_dump()}
    return "tin-tuc.html.j2", ctx, {}


def _news(fig: dict, ws: Workspace) -> dict:
    """The on-time phrase of the bulletin: shares rounded down to a whole percent."""
    levels = [lv for lv in fig["levels"] if lv["totals"]["on_time_share"] is not None]
    targets = [lv["on_time_target"] for lv in levels if lv["on_time_target"] is not None]
    threshold = min(targets) if targets else 0.98
    shares = {lv["label"]: lv["totals"]["on_time_share"] for lv in levels}
    if not shares:
        return {"labels": [], "phrase": "chưa có hồ sơ đã giải quyết", "all_pass": False}
    return {
        "labels": list(shares),
        "phrase": vi.threshold_phrase(shares, threshold, digits=0, rounding="down"),
        "all_pass": all(share > threshold for share in shares.values()),
    }


def _headline(fig: dict, labels: dict, news: dict) -> str:
    """A sentence-case headline that states the outcome the figures support."""
    growth = [lv["totals"]["online_share"] > lv["previous"]["online_share"]
              for lv in fig["levels"]
              if lv["previous"]["online_share"] is not None and lv["totals"]["online_share"] is not None]
    if growth and all(growth):
        return f"Nâng cao tỷ lệ hồ sơ thực hiện {labels['online_services']}"
    if news["all_pass"]:
        return f"Tỷ lệ hồ sơ giải quyết đúng và trước hạn {news['phrase']}"
    return f"Đánh giá kết quả thực hiện cải cách hành chính {vi.period(fig['period'])}"
