"""Indicators: pure pandas computations on the validated figures. No I/O, no formatting.

Definitions (stated once, used by every document):

- ``received``  = truc_tuyen + truc_tiep + buu_chinh + ky_truoc (files to handle in the period)
- ``new``       = truc_tuyen + truc_tiep + buu_chinh (files received in the period)
- ``resolved``  = truoc_han + dung_han + qua_han; ``in_progress`` = dang_trong_han + dang_qua_han
- ``online_share``  = truc_tuyen / new          (None when new is 0)
- ``on_time_share`` = (truoc_han + dung_han) / resolved   (None when resolved is 0)
- the other shares as :data:`reportgen.columns.SHARES` declares them (None without the columns)
- a level's figures are the sum over its units; a unit's own level is its own row. An
  optional column's sum is None unless every unit of the level gives it; a score is the
  unit's own when the level has one unit, and never a sum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reportgen import cycle
from reportgen.columns import BY_KEY, COUNTS, SCORE, SHARES
from reportgen.periods import Period
from reportgen.schema import LEVELS

LEVEL_ORDER = LEVELS  # highest first


def derive(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the derived columns to a frame of counts (one row per unit or per level).

    Computed on the columns' arrays and made into one new frame at once: pandas costs about
    0.3 ms per column added one by one, and a build derives a few frames per document.
    """
    columns = {name: frame[name].to_numpy() for name in frame.columns}
    new = columns["truc_tuyen"] + columns["truc_tiep"] + columns["buu_chinh"]
    resolved = columns["truoc_han"] + columns["dung_han"] + columns["qua_han"]
    columns.update({
        "new": new,
        "received": new + columns["ky_truoc"],
        "resolved": resolved,
        "in_progress": columns["dang_trong_han"] + columns["dang_qua_han"],
    })
    for share in SHARES.values():
        if share.denominator in columns and all(k in columns for k in share.numerator):
            numerator = sum(columns[k] for k in share.numerator[1:]) + columns[share.numerator[0]]
            columns[share.key] = _ratio(numerator, columns[share.denominator])
    return pd.DataFrame(columns, index=frame.index)


def _ratio(numerator, denominator) -> np.ndarray:
    """numerator / denominator as Python floats, None where the denominator is 0 (or a value
    is missing). Plain Python over the column's values: pandas' where/astype cost ~3 ms a call."""
    values = np.empty(len(numerator), dtype=object)
    values[:] = [None if d == 0 or d != d or n != n else float(n) / float(d)
                 for n, d in zip(numerator.tolist(), denominator.tolist())]
    return values


@dataclass(frozen=True)
class Scope:
    """The units a document covers: the unit itself and those below it, by level."""

    unit: str
    level: str
    members: dict[str, tuple[str, ...]]  # level -> unit codes, the unit's own level first

    @property
    def levels(self) -> list[str]:
        return [lv for lv in LEVEL_ORDER if lv in self.members]

    @property
    def codes(self) -> list[str]:
        return [code for lv in self.levels for code in self.members[lv]]


def scope_of(units: pd.DataFrame, unit: str) -> Scope:
    """The unit's own level, then each lower level among its descendants."""
    children, levels = _tree(units)
    members: dict[str, list[str]] = {levels[unit]: [unit]}
    stack = [unit]
    while stack:
        parent = stack.pop(0)
        for child in children.get(parent, ()):
            members.setdefault(levels[child], []).append(child)
            stack.append(child)
    return Scope(unit, levels[unit], {lv: tuple(codes) for lv, codes in members.items()})


def _tree(units: pd.DataFrame) -> tuple[dict[str, list[str]], dict[str, str]]:
    """(parent code -> its children in units.csv's order, code -> level) of a units table, made once
    per table (remembered with it, as :func:`period_counts` is): a document's scope then costs its
    own units, not a scan of every unit per parent (which made a province's documents quadratic)."""
    global _TREE
    if _TREE[0] is not units:
        children: dict[str, list[str]] = {}
        for code, parent in zip(units.index, units["ma_cap_tren"]):
            children.setdefault(parent, []).append(code)
        _TREE = (units, (children, dict(zip(units.index, units["cap"]))))
    return _TREE[1]


_TREE: tuple[pd.DataFrame | None, tuple[dict, dict]] = (None, ({}, {}))


def period_counts(figures: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The counts of every unit that reported in ``period``, indexed by unit code (a six-month,
    nine-month or year period from its quarters: :func:`reportgen.cycle.counts`).

    Made once per figures table and period (a build's documents all read the same few
    periods), not once per document and level: the table is remembered with the figures
    table it came from (the validated workspace's, never changed after loading) and made
    again for any other table.
    """
    global _PERIODS
    owner, tables = _PERIODS
    if owner is not figures:
        owner, tables = _PERIODS = (figures, {})
    table = tables.get(period)
    if table is None:  # a longer period: its own rows, else its quarters combined
        table = tables[period] = cycle.counts(figures, period)
    return table


# (the figures table, period -> its period_counts): one table at a time
_PERIODS: tuple[pd.DataFrame | None, dict[Period, pd.DataFrame]] = (None, {})


def _present(table: pd.DataFrame, codes) -> list[str]:
    """``codes`` that have a row in ``table``, in the given order."""
    return [c for c in codes if c in table.index]


def unit_rows(figures: pd.DataFrame, period: Period, codes) -> pd.DataFrame:
    """Derived figures of the given units in a period, in the given order (missing units dropped)."""
    table = period_counts(figures, period)
    return derive(table.loc[_present(table, codes)])


def level_totals(figures: pd.DataFrame, scope: Scope, period: Period) -> pd.DataFrame:
    """One row per level of the scope: the sum of its units' counts, plus derived columns.

    :func:`add_up` for each level, computed on the period table's arrays (made once per table):
    pandas cost ~15 ms a call here, three calls a document (the period, the one before, the
    year before), most of a document's context. The frame is the one pandas made, dtypes too
    (counts int64, the other columns float64); a table of other dtypes takes pandas' way.
    """
    table = period_counts(figures, period)
    arrays = _arrays(table)
    if arrays is None:
        return _level_totals_pandas(table, scope)
    where, columns = arrays
    levels = scope.levels
    found = {level: [where[c] for c in scope.members[level] if c in where] for level in levels}
    data = {}
    for key, (values, score, integer) in columns.items():
        cells = []
        for level in levels:
            rows = found[level]
            if score:
                cells.append(values[rows[0]] if len(rows) == 1 else np.nan)
            elif not rows:
                cells.append(0)
            else:
                picked = values[rows]
                cells.append(np.nan if not integer and np.isnan(picked).any() else picked.sum())
        data[key] = np.array(cells, dtype=np.int64 if key in COUNTS else np.float64)
    frame = derive(pd.DataFrame(data, index=pd.Index(levels)))
    frame["units_reporting"] = pd.Series({level: len(found[level]) for level in levels})
    return frame


def _arrays(table: pd.DataFrame):
    """(unit code -> row, column -> (values, is a score, is integer)) of a period table, made once
    per table; None when a column is not what add_up's result assumes (counts int64, others float64)."""
    cached = _ARRAYS.get(id(table))
    if cached is not None and cached[0] is table:
        return cached[1]
    columns = {}
    arrays = None
    if table.index.is_unique and all(key in BY_KEY for key in table.columns):
        for key in table.columns:
            dtype = table[key].dtype
            if (key in COUNTS) != (dtype == np.int64) or (key not in COUNTS and dtype != np.float64):
                break
            columns[key] = (table[key].to_numpy(), BY_KEY[key].role == SCORE, dtype == np.int64)
        else:
            arrays = ({code: row for row, code in enumerate(table.index)}, columns)
    if len(_ARRAYS) > 16:
        _ARRAYS.clear()
    _ARRAYS[id(table)] = (table, arrays)
    return arrays


_ARRAYS: dict[int, tuple[pd.DataFrame, tuple | None]] = {}


def _level_totals_pandas(table: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    sums, reporting = {}, {}
    for level in scope.levels:
        present = _present(table, scope.members[level])
        sums[level] = add_up(table.loc[present])
        reporting[level] = len(present)
    frame = derive(typed(pd.DataFrame.from_dict(sums, orient="index")))
    frame["units_reporting"] = pd.Series(reporting)
    return frame


def add_up(rows: pd.DataFrame) -> pd.Series:
    """The figures of several units (or levels) as one: counts summed; an optional count only
    when every row gives it (NaN otherwise); a score only when there is one row (never summed)."""
    counts = [k for k in rows.columns if k in BY_KEY and BY_KEY[k].role != SCORE]
    total = rows[counts].sum(min_count=len(rows)) if len(rows) else rows[counts].sum()
    for key in rows.columns:
        if key in BY_KEY and BY_KEY[key].role == SCORE:
            total[key] = rows[key].iloc[0] if len(rows) == 1 else float("nan")
    return total[list(rows.columns)]


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """The counts every row has as int64 (an optional column stays float, NaN where not given)."""
    return frame.astype({k: "int64" for k in COUNTS if k in frame.columns})


@dataclass(frozen=True)
class Change:
    """The same figure in another period; ``reason`` says why there is no comparison."""

    period: Period
    value: float | int | None
    reason: str | None = None


def compare(figures: pd.DataFrame, scope: Scope, period: Period, other: Period, column: str) -> dict[str, Change]:
    """Per level, ``column`` in the ``other`` period, when the same units reported in both.

    ``reason`` is ``"no_data"`` when no unit of the level reported then, and
    ``"different_units"`` when the set of reporting units differs (sums not comparable).
    """
    return {level: Change(other, None if row is None else plain(row[column]), reason)
            for level, (row, reason) in comparable_totals(figures, scope, period, other).items()}


def comparable_totals(figures: pd.DataFrame, scope: Scope, period: Period, other: Period) -> dict[str, tuple]:
    """Per level, (the level's totals in ``other`` or None, the reason there are none)."""
    then = level_totals(figures, scope, other)
    now_index = period_counts(figures, period).index
    then_index = period_counts(figures, other).index
    result: dict[str, tuple] = {}
    for level in scope.levels:
        members = scope.members[level]
        now_units = {c for c in members if c in now_index}
        then_units = {c for c in members if c in then_index}
        if not then_units:
            result[level] = (None, "no_data")
        elif then_units != now_units:
            result[level] = (None, "different_units")
        else:
            result[level] = (then.loc[level], None)
    return result


def plain(value):
    """numpy scalars to Python int/float (None stays None)."""
    return value.item() if hasattr(value, "item") else value


def ranked(rows: pd.DataFrame, column: str) -> list[str]:
    """Unit codes by ``column`` descending; ties and missing values keep the units.csv order."""
    keyed = rows[column].map(lambda v: -1.0 if v is None else float(v))
    return list(keyed.sort_values(ascending=False, kind="stable").index)


def below(rows: pd.DataFrame, column: str, target: float | None) -> list[str]:
    """Units whose ``column`` is below ``target`` (units without a value are not listed)."""
    if target is None:
        return []
    return [code for code, v in rows[column].items() if v is not None and v < target]


def with_late(rows: pd.DataFrame, column: str = "qua_han") -> dict[str, int]:
    """Units with late (or, with ``dang_qua_han``, overdue) files and their counts."""
    return {code: int(v) for code, v in rows[column].items() if v > 0}


def field_counts(fields: pd.DataFrame, figures: pd.DataFrame, period: Period) -> dict[str, pd.DataFrame]:
    """Every unit's counts by field of procedure in ``period`` (:func:`reportgen.cycle.field_counts`),
    as unit code -> its fields (indexed by field): made and split by unit once per fields table and
    period, as :func:`period_counts` is, so that a document takes its units' tables without
    filtering every row again."""
    global _FIELDS
    owner, tables = _FIELDS
    if owner is not fields:
        owner, tables = _FIELDS = (fields, {})
    units = tables.get(period)
    if units is None:
        table = cycle.field_counts(fields, figures, period)
        units = tables[period] = {code: part.droplevel(0) for code, part in table.groupby(level=0, sort=False)}
    return units


_FIELDS: tuple[pd.DataFrame | None, dict[Period, dict[str, pd.DataFrame]]] = (None, {})


def by_field(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Units' fields (:func:`field_counts`) added up by field, one row per field in the order they
    come: counts summed; an optional count only where every unit's row of that field gives it (as
    :func:`add_up`); a score never. One unit's table is itself; several are grouped once."""
    if len(parts) == 1:
        return parts[0]
    rows = pd.concat(parts)
    counts = [k for k in rows.columns if k in BY_KEY and BY_KEY[k].role != SCORE]
    grouped = rows[counts].groupby(level=0, sort=False)
    sums = grouped.sum()
    given, size = grouped.count(), grouped.size()
    for key in counts:
        if key not in COUNTS:
            sums[key] = sums[key].where(given[key] == size)
    for key in rows.columns:
        if key not in counts:
            sums[key] = float("nan")
    return sums[list(rows.columns)]
