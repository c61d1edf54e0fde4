"""What a build or an archive run did, one :class:`Result` per file (or per document it could not make).

Both ``batch.build`` and ``archive.archive`` return lists of these, and the CLI reports them
through one path. A failure carries the exit code of its cause (:func:`errors.exit_code_of`),
so the run's exit code is the highest of its results' (:func:`run_exit_code`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from reportgen.errors import describe_failure, exit_code_of
from reportgen.job import Job

SKIPPED_EXIT_CODE = 1  # a document that could not be built: exit 1, as a failed one


@dataclass
class Result:
    """One file built or archived, or one document that could not be (``failed``, ``skipped``).

    ``status``: ``built``, ``unchanged`` (build); ``archived``, ``new-version``, ``unchanged``
    (archive); ``failed``, ``skipped`` (both). ``path`` is the written file (for the archive,
    relative to the archive folder). ``exit_code`` is 0 for a success.
    """

    kind: str
    unit: str
    period: str  # a job's Period as output paths spell it
    status: str
    format: str | None = None
    path: str | None = None
    sha256: str | None = None
    pages: int | None = None
    version: int | None = None  # archive: the record's version
    reason: str | None = None   # why it failed or was skipped
    note: str | None = None     # e.g. "manifest row completed"
    exit_code: int = 0

    @classmethod
    def skipped(cls, job: Job) -> Result:
        """A planned job that cannot be made (``job.reason`` says why)."""
        return cls(job.kind, job.unit, str(job.period), "skipped", reason=job.reason, exit_code=SKIPPED_EXIT_CODE)

    @classmethod
    def failed(cls, job: Job, exc: BaseException | str, exit_code: int | None = None) -> Result:
        """A document that failed with ``exc`` (an unexpected one is logged with its traceback)."""
        if isinstance(exc, str):
            return cls(job.kind, job.unit, str(job.period), "failed", reason=exc, exit_code=exit_code or 1)
        reason = describe_failure(exc, f"{job.period} {job.unit} {job.kind}")
        return cls(job.kind, job.unit, str(job.period), "failed", reason=reason,
                   exit_code=exit_code_of(exc, one_document=True))

    @property
    def ok(self) -> bool:
        return self.status not in ("failed", "skipped")

    def as_dict(self) -> dict:
        """The JSON object printed by ``--json`` (every field but the exit code)."""
        data = asdict(self)
        del data["exit_code"]
        return data



def run_exit_code(results: list[Result]) -> int:
    """0 when everything succeeded, else the highest exit code among the results."""
    return max((r.exit_code for r in results), default=0)
