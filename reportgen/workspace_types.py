"""The validated workspace, as everything after loading reads it: config, units, figures,
meetings, photos and the report's own text, and what they imply (periods, founding dates).

Made only by :func:`reportgen.workspace.load_workspace`; the kinds, the contexts and the
plan read it (this module sits below them, the loader above them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from reportgen import cycle
from reportgen.errors import Problem
from reportgen.periods import Period
from reportgen.procedure_fields import FieldIndex
from reportgen.schema import Config, Meeting, ReportText
from reportgen.validate import empty_fields

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class Workspace:
    """A validated workspace. ``figures`` has one row per (period, unit)."""

    root: Path
    config: Config
    units: pd.DataFrame
    figures: pd.DataFrame
    meetings: dict[tuple[Period, str], Meeting]
    meeting_files: dict[tuple[Period, str], Path]
    warnings: list[Problem] = field(default_factory=list)
    # (period, unit) -> (extension, bytes) of the meeting's photo (anh.tep), prepared
    photos: dict[tuple[Period, str], tuple[str, bytes]] = field(default_factory=dict)
    # (period, unit) -> the report's own text (noi-dung/*.yaml), and the file it came from
    texts: dict[tuple[Period, str], ReportText] = field(default_factory=dict)
    text_files: dict[tuple[Period, str], Path] = field(default_factory=dict)
    # one row per (period, unit, field of procedure) of the units that give their figures by field
    # (``linh_vuc``); ``figures`` holds those units' sums
    fields: pd.DataFrame = field(default_factory=empty_fields)
    field_index: FieldIndex = field(default_factory=FieldIndex)
    # each spelling of the figures' ``ky`` column (canonical) -> its value, as validation parsed it
    period_of: dict[str, Period] = field(default_factory=dict)

    @cached_property
    def founded(self) -> dict[str, dt.date]:
        """Unit code -> founding date (units.csv ``ngay_thanh_lap``), for the units that have one."""
        return cycle.founded_by(self.units)

    @cached_property
    def periods(self) -> list[Period]:
        """The reports the figures make, in order: without ``[periods]`` every period that has rows;
        with it, the reports each quarter's end produces (reportgen.toml) whose quarters are all
        there, and every period given directly."""
        return cycle.report_periods(self.figures, self.units, self.config, self.period_of)

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

