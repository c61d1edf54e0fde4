"""A job: one document to build, kind × unit × period (planned by :mod:`reportgen.plan`)."""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.periods import Period


@dataclass(frozen=True)
class Job:
    """One document to build; ``reason`` is set when it cannot be built."""

    kind: str
    unit: str
    period: Period
    reason: str | None = None

    @property
    def key(self) -> str:
        return f"{self.period}/{self.unit}/{self.kind}"
