"""Indicators against hand-checked figures (sample workspace, 2022-Q1 and earlier)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reportgen import indicators as ind
from reportgen.periods import Period
from reportgen.validate import COUNTS
from reportgen.workspace import load_workspace
from tests.conftest import SAMPLE


@pytest.fixture(scope="module")
def ws():
    return load_workspace(SAMPLE)


def test_scope_of_district(ws):
    scope = ind.scope_of(ws.units, "TM")
    assert scope.levels == ["huyen", "xa"]
    assert scope.members["huyen"] == ("TM",)
    assert len(scope.members["xa"]) == 13 and scope.members["xa"][0] == "TM-TT"


def test_scope_of_commune(ws):
    assert ind.scope_of(ws.units, "TM-MH").members == {"xa": ("TM-MH",)}


def test_level_totals_2022_q1(ws):
    totals = ind.level_totals(ws.figures, ind.scope_of(ws.units, "TM"), Period(2022, 1))
    huyen, xa = totals.loc["huyen"], totals.loc["xa"]
    # district office row: 336 online, 1850 in person, 264 by post, 120 carried over
    assert (huyen["new"], huyen["received"], huyen["resolved"], huyen["in_progress"]) == (2450, 2570, 2452, 118)
    assert huyen["online_share"] == pytest.approx(336 / 2450)
    assert huyen["on_time_share"] == pytest.approx((1716 + 724) / 2452)  # 0.99510...
    # the 13 communes summed by hand from figures/mot-cua-2022-q1.csv
    assert (xa["truc_tuyen"], xa["buu_chinh"], xa["truc_tiep"], xa["ky_truoc"]) == (90, 40, 4713, 66)
    assert (xa["truoc_han"], xa["dung_han"], xa["qua_han"]) == (3189, 1600, 3)
    assert xa["on_time_share"] == pytest.approx(4789 / 4792)
    assert xa["units_reporting"] == 13


def test_comparisons(ws):
    scope = ind.scope_of(ws.units, "TM")
    prev = ind.compare(ws.figures, scope, Period(2022, 1), Period(2021, 4), "truc_tuyen")
    assert prev["huyen"].value == 290 and prev["xa"].value == 71
    year = ind.compare(ws.figures, scope, Period(2022, 1), Period(2021, 1), "buu_chinh")
    assert year["huyen"].value == 150 and year["xa"].value == 22
    none = ind.compare(ws.figures, scope, Period(2022, 1), Period(2020, 1), "truc_tuyen")
    assert none["xa"] == ind.Change(Period(2020, 1), None, "no_data")


def test_comparison_refused_when_units_differ(ws):
    figures = ws.figures[~((ws.figures["ky"] == "2021-Q4") & (ws.figures["ma_don_vi"] == "TM-MH"))]
    result = ind.compare(figures, ind.scope_of(ws.units, "TM"), Period(2022, 1), Period(2021, 4), "truc_tuyen")
    assert result["xa"] == ind.Change(Period(2021, 4), None, "different_units")
    assert result["huyen"].value == 290


def test_ranking_targets_and_late(ws):
    rows = ind.unit_rows(ws.figures, Period(2022, 1), ind.scope_of(ws.units, "TM").members["xa"])
    assert ind.ranked(rows, "online_share")[:2] == ["TM-MH", "TM-TK"]  # 7/208 = 3,37 %; 13/499 = 2,61 %
    assert ind.below(rows, "online_share", 0.01) == ["TM-TM", "TM-TX", "TM-PD"]  # 2/355, 1/133, 2/341
    assert ind.with_late(rows) == {"TM-LB": 1, "TM-DBK": 2}
    assert ind.with_late(rows, "dang_qua_han") == {"TM-DBK": 1}
    assert ind.below(rows, "online_share", None) == []


def test_zero_denominators_give_none():
    frame = pd.DataFrame([dict.fromkeys(COUNTS, 0)], index=["X"])
    derived = ind.derive(frame)
    assert derived.at["X", "online_share"] is None
    assert derived.at["X", "on_time_share"] is None


def test_province_scope_sums_each_level():
    units = pd.DataFrame({
        "ma_don_vi": ["P", "D1", "D2", "X1", "X2", "X3"],
        "cap": ["tinh", "huyen", "huyen", "xa", "xa", "xa"],
        "ma_cap_tren": ["", "P", "P", "D1", "D1", "D2"],
    }).set_index("ma_don_vi", drop=False)
    rows = []
    for code, online in (("P", 100), ("D1", 10), ("D2", 20), ("X1", 1), ("X2", 2), ("X3", 3)):
        rows.append({"ky": "2026-Q1", "ma_don_vi": code, **dict.fromkeys(COUNTS, 1), "truc_tuyen": online})
    figures = pd.DataFrame(rows)
    scope = ind.scope_of(units, "P")
    assert scope.members == {"tinh": ("P",), "huyen": ("D1", "D2"), "xa": ("X1", "X2", "X3")}
    totals = ind.level_totals(figures, scope, Period(2026, 1))
    assert list(totals["truc_tuyen"]) == [100, 30, 6]
    assert list(totals["units_reporting"]) == [1, 2, 3]
    assert totals.at["xa", "new"] == 6 + 3 + 3  # online + in person (1 each) + postal (1 each)


@pytest.mark.parametrize("workspace", [SAMPLE, SAMPLE / "mau-2025"])
def test_level_totals_on_arrays_is_the_frame_pandas_makes(workspace):
    """level_totals adds up on the period table's arrays: the same frame, dtypes and number types as
    add_up per level (its pandas way), for every unit and period, the one before and the year before
    (cumulative periods and the 766 score of the 2025 sample included)."""
    ws = load_workspace(workspace)
    for unit in ws.units.index:
        scope = ind.scope_of(ws.units, unit)
        for period in ws.periods:
            for other in (period, period.previous(), period.year_before()):
                fast = ind.level_totals(ws.figures, scope, other)
                slow = ind._level_totals_pandas(ind.period_counts(ws.figures, other), scope)
                pd.testing.assert_frame_equal(fast, slow, check_exact=True)
                assert [type(v) for v in fast.iloc[-1]] == [type(v) for v in slow.iloc[-1]]


def test_a_scope_names_its_unit_and_level(ws):
    scope = ind.scope_of(ws.units, "TM-MH")
    assert (scope.unit, scope.level) == ("TM-MH", "xa")
    assert (ind.scope_of(ws.units, "TM").unit, ind.scope_of(ws.units, "TM").level) == ("TM", "huyen")


def test_an_optional_column_a_unit_lacks_gives_no_share():
    """A unit without the optional column (NaN) has no share of it, though its ``new`` is not 0."""
    frame = pd.DataFrame([{**dict.fromkeys(COUNTS, 4), "truc_tuyen_toan_trinh": float("nan")},
                          {**dict.fromkeys(COUNTS, 4), "truc_tuyen_toan_trinh": 3.0}], index=["X", "Y"])
    derived = ind.derive(frame)
    assert derived.at["X", "new"] == 12
    assert derived.at["X", "full_online_share"] is None
    assert derived.at["Y", "full_online_share"] == 0.25


def test_ranked_puts_units_without_a_value_last_and_keeps_ties_in_order():
    # 40 units: more than numpy sorts by insertion (16), so only a stable sort keeps the ties in order
    codes = [f"U{i:02d}" for i in range(40)]
    shares = [None if i % 7 == 3 else (i % 3) / 4 for i in range(40)]
    rows = pd.DataFrame({"online_share": pd.Series(shares, index=codes, dtype=object)})
    expected = ([c for c, s in zip(codes, shares) if s == 0.5] + [c for c, s in zip(codes, shares) if s == 0.25]
                + [c for c, s in zip(codes, shares) if s == 0.0] + [c for c, s in zip(codes, shares) if s is None])
    assert ind.ranked(rows, "online_share") == expected
    assert expected[:3] == ["U02", "U05", "U08"] and expected[-1] == "U38"


def test_below_a_target_is_strictly_below():
    rows = pd.DataFrame({"online_share": pd.Series([0.05, 0.0499, None, 0.2], index=["A", "B", "C", "D"],
                                                   dtype=object)})
    assert ind.below(rows, "online_share", 0.05) == ["B"]


def test_plain_makes_numpy_scalars_python_numbers():
    assert ind.plain(None) is None
    assert type(ind.plain(np.int64(7))) is int and ind.plain(np.int64(7)) == 7
    assert type(ind.plain(np.float64(0.5))) is float
    assert ind.plain(3) == 3
