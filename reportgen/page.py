"""The page of every document: its margins (Decree 30/2020, Appendix I), their one default.

Below the configuration (``schema.Page`` takes its defaults from here) and the renderers
(``render/subset.py`` reads a document's margins into a :class:`Margins`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Margins:
    """Page margins in mm of the portrait page (Decree 30: top/bottom 20-25, left 30-35, right 15-20)."""

    top: float = 20.0
    right: float = 15.0
    bottom: float = 20.0
    left: float = 30.0

    def as_tuple(self) -> tuple[float, float, float, float]:
        return (self.top, self.right, self.bottom, self.left)

    def landscape(self) -> "Margins":
        """The portrait page turned: the binding edge (left) goes to the top."""
        return Margins(top=self.left, right=self.top, bottom=self.right, left=self.bottom)


DEFAULT_MARGINS = Margins()
