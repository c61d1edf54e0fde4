"""The context handed to templates is what reportgen/context_types.py declares, key by key and
type by type, for every document of the samples; docs/templates.md names every key."""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from pathlib import Path

import pytest

from reportgen import context_types
from reportgen.kinds import build_context
from reportgen.periods import Period
from reportgen.plan import plan
from reportgen.workspace import load_workspace
from tests.conftest import ROOT, SAMPLE

DECLARED = {"bao-cao": context_types.ReportContext, "thong-bao": context_types.NoticeContext,
            "tin-tuc": context_types.BulletinContext}


def conform(value, hint, where: str) -> list[str]:
    """Where ``value`` differs from the type ``hint``."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if typing.is_typeddict(hint):
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__}, expected {hint.__name__}"]
        fields = typing.get_type_hints(hint)
        problems = [f"{where}: undeclared key {k!r}" for k in value.keys() - fields.keys()]
        problems += [f"{where}: missing key {k!r}" for k in fields.keys() - value.keys()]
        for key in fields.keys() & value.keys():
            problems += conform(value[key], fields[key], f"{where}.{key}")
        return problems
    if origin in (typing.Union, types.UnionType):
        results = [conform(value, arg, where) for arg in args]
        return [] if any(not r for r in results) else min(results, key=len)
    if origin is list:
        if not isinstance(value, list):
            return [f"{where}: {type(value).__name__}, expected a list"]
        return [p for i, item in enumerate(value) for p in conform(item, args[0], f"{where}[{i}]")]
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__}, expected a dict"]
        return [p for k, item in value.items() for p in conform(item, args[1], f"{where}[{k!r}]")]
    if hint is typing.Any:
        return []
    if hint is type(None):
        return [] if value is None else [f"{where}: {value!r}, expected None"]
    if hint is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, hint)
    return [] if ok else [f"{where}: {type(value).__name__} {value!r}, expected {getattr(hint, '__name__', hint)}"]


def _contexts(folder: Path):
    ws = load_workspace(folder)
    for job in plan(ws):
        if job.reason is None:
            yield job, build_context(ws, job)[1]


@pytest.mark.parametrize("folder", [SAMPLE, SAMPLE / "mau-2025"])
def test_every_context_is_as_declared(folder):
    seen = set()
    for job, context in _contexts(folder):
        assert conform(context, DECLARED[job.kind], job.key) == []
        seen.add(job.kind)
    assert seen == set(DECLARED)


def test_the_check_can_fail():
    ws = load_workspace(SAMPLE)
    job = next(j for j in plan(ws, [Period.parse("2022-Q1")], ["TM"], ["tin-tuc"]))
    context = build_context(ws, job)[1]
    context["extra"] = 1
    context["news"]["all_on_time"] = "100%"
    del context["unit"]["place"]
    assert sorted(conform(context, context_types.BulletinContext, "x")) == [
        "x.news.all_on_time: str '100%', expected bool", "x.unit: missing key 'place'", "x: undeclared key 'extra'"]
    assert conform(Period(2022, 1), dt.date, "p") == ["p: Period Period(year=2022, first=1, last=1), expected date"]


def test_docs_name_every_key():
    text = (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_0-9]+)`", text))
    declared = {name for obj in vars(context_types).values() if typing.is_typeddict(obj)
                for name in typing.get_type_hints(obj)}
    assert declared - documented == set()
