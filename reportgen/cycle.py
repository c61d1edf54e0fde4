"""The report cycle: cumulative periods made from their quarters, founding dates, and which
reports a workspace's ``[periods]`` asks for.

A six-month, nine-month or year report states figures of the quarters inside it
(bao-cao-2026.md §1): each count is combined by its role, declared with the column in
:mod:`reportgen.columns` (flows add up, the stock carried over is the first quarter's, the stock
in progress the last quarter's, a score the last quarter's). A row given directly for a cumulative period is used as it is. Pure
pandas over the validated figures; problems are returned, never raised.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from reportgen.columns import COUNTS, FLOW, KEYS, SCORE, STOCK_END, STOCK_START, role_of
from reportgen.errors import Problem
from reportgen.periods import Period

# which quarter's value a column of each role takes over a longer period (a flow: their sum)
FIRST, LAST = "first", "last"
_TAKES = {FLOW: "sum", STOCK_START: FIRST, STOCK_END: LAST, SCORE: LAST}


def role(column: str) -> str:
    """How ``column`` is made from the quarters: ``sum``, ``first`` or ``last``."""
    return _TAKES[role_of(column)]


def combine(quarters: list[pd.DataFrame]) -> pd.DataFrame:
    """Counts of a cumulative period from its quarters' tables (each indexed by unit, in order).

    A unit is combined from the quarters it has; :func:`missing_quarters` says which it lacks.
    """
    present = [table for table in quarters if not table.empty]
    if not present:
        return quarters[0].iloc[0:0]
    stacked = pd.concat(present)
    levels = 0 if stacked.index.nlevels == 1 else list(range(stacked.index.nlevels))  # by unit, or (unit, field)
    grouped = stacked.groupby(level=levels, sort=False)
    # an optional column left empty in every quarter stays empty (not 0)
    parts = {column: grouped[column].sum(min_count=1) if role(column) == "sum" else getattr(grouped[column], role(column))()
             for column in stacked.columns}
    frame = pd.DataFrame(parts)
    frame.index.names = stacked.index.names
    return frame.astype(stacked.dtypes.to_dict())


def counts(figures: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Every unit's counts in ``period``, indexed by unit code: its own rows for a quarter; for a
    longer period the rows given for it directly, and for the other units their quarters combined."""
    def rows(p: Period) -> pd.DataFrame:
        return figures[figures["ky"] == str(p)].set_index("ma_don_vi")[[k for k in KEYS if k in figures.columns]]

    direct = rows(period)
    if period.is_quarter:
        return direct
    combined = combine([rows(q) for q in period.quarters()])
    combined = combined.loc[[code for code in combined.index if code not in direct.index]]
    return pd.concat([direct, combined]) if not combined.empty else direct


def field_counts(fields: pd.DataFrame, figures: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Every unit's counts by field of procedure in ``period``, indexed by (unit, field): its field
    rows for a quarter; for a longer period the field rows given for it directly, else its quarters'
    fields combined as :func:`counts` combines units (a field missing from a quarter had no files
    then). A unit has fields in a longer period only when each of its quarters there is by field
    (its figures of a quarter given as a total cannot be split)."""
    columns = [k for k in KEYS if k in fields.columns]

    def rows(p: Period) -> pd.DataFrame:
        return fields[fields["ky"] == str(p)].set_index(["ma_don_vi", "linh_vuc"])[columns]

    direct = rows(period)
    if period.is_quarter or fields.empty:
        return direct
    quarters = [str(q) for q in period.quarters()]
    given = set(zip(figures["ky"], figures["ma_don_vi"]))
    by_field = set(zip(fields["ky"], fields["ma_don_vi"]))
    done = set(direct.index.get_level_values(0)) | {code for ky, code in given if ky == str(period)}
    units = {code for ky, code in by_field if ky in quarters and code not in done}
    units = {code for code in units if all(((q, code) in given) == ((q, code) in by_field) for q in quarters)}
    if not units:
        return direct
    tables = [table[table.index.get_level_values(0).isin(units)] for table in map(rows, period.quarters())]
    every = pd.MultiIndex.from_tuples(list(dict.fromkeys(key for table in tables for key in table.index)),
                                      names=["ma_don_vi", "linh_vuc"])
    combined = combine([_every_field(table, every) for table in tables])
    return pd.concat([direct, combined]) if not direct.empty else combined


def _every_field(table: pd.DataFrame, every: pd.MultiIndex) -> pd.DataFrame:
    """A quarter's fields with a row of zeros for each field its units give in another quarter only
    (a unit absent from the quarter stays absent: it is combined from the quarters it has)."""
    units = set(table.index.get_level_values(0))
    return table.reindex([key for key in every if key[0] in units], fill_value=0)


def founded_by(units: pd.DataFrame) -> dict[str, dt.date]:
    """Unit code -> its founding date (units.csv ``ngay_thanh_lap``), for units that have one."""
    if "ngay_thanh_lap" not in units.columns:
        return {}
    return {code: day for code, day in units["ngay_thanh_lap"].items() if isinstance(day, dt.date)}


def needed(period: Period, founded: dt.date | None, end_day: int) -> tuple[Period, ...]:
    """The quarters of ``period`` a unit founded on ``founded`` has figures for: those whose window
    ends on or after that day."""
    return tuple(q for q in period.quarters() if founded is None or q.window(end_day)[1] >= founded)


def available(figures: pd.DataFrame, period: Period) -> bool:
    """True when some unit has figures for ``period``: its own rows, or a quarter inside it."""
    given = set(figures["ky"])
    return str(period) in given or any(str(q) in given for q in period.quarters())


def missing_quarters(figures: pd.DataFrame, units: pd.DataFrame, period: Period, end_day: int) -> list[Problem]:
    """For a cumulative period, each unit that has figures for some of its quarters but not for
    one it needs (founded before that quarter's window ends), and no row for the period itself."""
    if period.is_quarter:
        return []
    given = set(zip(figures["ky"], figures["ma_don_vi"]))
    founded = founded_by(units)
    problems = []
    for code in units.index:
        if (str(period), code) in given:
            continue
        quarters = needed(period, founded.get(code), end_day)
        have = [q for q in period.quarters() if (str(q), code) in given]
        if not have:
            continue
        for quarter in quarters:
            if quarter not in have:
                problems.append(Problem(
                    "figures", f"thiếu số liệu kỳ {quarter} của đơn vị {code}: cần đủ các quý "
                    f"{', '.join(map(str, quarters))} để tính kỳ {period}", column="ky", value=str(quarter)))
    return problems


def disagreements(figures: pd.DataFrame, period_of: dict[str, Period]) -> list[Problem]:
    """A warning for each row given for a cumulative period whose unit also has every quarter
    inside it, when the quarters combined give other counts: it names both; the row is used.

    ``period_of``: each spelling of the ``ky`` column -> its period.
    """
    rows = {(ky, code): (label, int(row), values) for ky, code, label, row, *values
            in zip(figures["ky"], figures["ma_don_vi"], figures["_file"], figures["_row"],
                   *(figures[c] for c in COUNTS))}
    problems = []
    for (ky, code), (label, row, own) in rows.items():
        period = period_of[ky]
        found = [rows.get((str(q), code)) for q in period.quarters()]
        parts = [part for part in found if part is not None]
        if period.is_quarter or len(parts) < len(found):
            continue
        combined = [_combined(column, [part[2][i] for part in parts]) for i, column in enumerate(COUNTS)]
        differ = [i for i, column in enumerate(COUNTS) if int(own[i]) != int(combined[i])]
        if differ:
            quarters = "; ".join(f"{q}: {part[0]}, dòng {part[1]}" for q, part in zip(period.quarters(), parts))
            problems.append(Problem(
                label, f"số liệu kỳ {period} của đơn vị {code} khác tổng các quý ({quarters}) ở cột "
                + ", ".join(f"{COUNTS[i]} ({int(own[i])} ≠ {int(combined[i])})" for i in differ)
                + f"; dùng dòng kỳ {period}", row=row, column=", ".join(COUNTS[i] for i in differ),
                severity="warning"))
    return problems


def _combined(column: str, values: list) -> int:
    """One count over the quarters' values (in order), by the column's role."""
    kind = role(column)
    return int(sum(values)) if kind == "sum" else int(values[0] if kind == FIRST else values[-1])


def before_founding(figures: pd.DataFrame, units: pd.DataFrame, period_of: dict[str, Period],
                    end_day: int) -> list[Problem]:
    """An error for each figures row of a period whose window ends before its unit was founded."""
    founded = founded_by(units)
    problems = []
    for ky, code, label, row in zip(figures["ky"], figures["ma_don_vi"], figures["_file"], figures["_row"]):
        if code not in founded:
            continue
        period = period_of[ky]
        end = period.window(end_day)[1]
        if end < founded[code]:
            problems.append(Problem(
                label, f"kỳ {period} (đến ngày {end:%d/%m/%Y}) kết thúc trước ngày thành lập của đơn vị {code} "
                f"({founded[code]:%d/%m/%Y}, units.csv cột ngay_thanh_lap)", row=int(row), column="ky", value=ky))
    return problems


def report_periods(figures: pd.DataFrame, units: pd.DataFrame, config, period_of: dict[str, Period]) -> list[Period]:
    """The reports a build without ``--period`` makes, in order.

    Without ``[periods]``: every period that has rows. With it: for each quarter that has rows, the
    reports its end produces (``config.reports_at``) whose quarters are all there (a quarter that
    ended before every unit was founded is not needed), and every period given directly.
    """
    given = set(period_of.values())
    if not config.periods:
        return sorted(given)
    founding = founded_by(units)
    earliest = min(founding.values()) if founding and len(founding) == len(units) else None
    reports = {p for p in given if p.is_cumulative}
    for quarter in (p for p in given if p.is_quarter):
        for report in config.reports_at(quarter):
            if all(q in given for q in needed(report, earliest, config.cutoff.ngay_chot)):
                reports.add(report)
    return sorted(reports)
