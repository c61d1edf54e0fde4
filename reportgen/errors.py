"""The one exception hierarchy of reportgen.

Nothing in the library prints or exits: it raises one of these, and the CLI maps
``exit_code`` to the process exit status. Exit codes:

====  =====================================================================
1     a build finished but some documents failed (``BuildFailed``)
2     invalid input: workspace files, config, meeting files (``InvalidInput``)
3     a template is wrong: undefined variable, markup outside the subset
4     the machine lacks something: a font with Vietnamese coverage
====  =====================================================================
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem found in the input, located as the user sees it."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    severity: str = "error"  # "error" or "warning"
    cell: str | None = None  # a spreadsheet cell as Excel names it ("F6"), shown instead of row/column

    def __str__(self) -> str:
        where = self.file
        if self.cell:
            where += f", ô {self.cell}"
        elif self.row is not None:
            where += f", dòng {self.row}"
        if self.column and not self.cell:
            where += f", cột {self.column}"
        text = f"{where}: {self.message}"
        if self.value is not None:
            text += f" (giá trị: {self.value!r})"
        return text


class ReportgenError(Exception):
    """Base class; ``exit_code`` is what the CLI exits with."""

    exit_code = 1


class InvalidInput(ReportgenError):
    """The workspace has errors; ``problems`` lists every one of them."""

    exit_code = 2

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        self.omitted = 0  # errors counted but not listed (see workspace.bounded)
        errors = [p for p in self.problems if p.severity == "error"]
        super().__init__(f"{len(errors)} lỗi trong dữ liệu đầu vào")


class TemplateFailure(ReportgenError):
    """A template could not be rendered (undefined value, syntax, sandbox)."""

    exit_code = 3


class UnsupportedMarkup(TemplateFailure):
    """A template produced HTML outside the documented subset (docs/html-subset.md)."""


class MissingSystemDependency(ReportgenError):
    """Something the machine must provide is missing, e.g. a Vietnamese font."""

    exit_code = 4


class BuildFailed(ReportgenError):
    """Some documents of a build could not be made; the rest were written."""

    exit_code = 1
