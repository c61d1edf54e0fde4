"""The description of a document kind (see :mod:`reportgen.kinds`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reportgen.schema import Issuer

if TYPE_CHECKING:
    from reportgen.plan import Job
    from reportgen.workspace import Workspace

# (context, assets): the template's variables (a TypedDict of reportgen.context_types) and the
# files it links to (name -> bytes)
Builder = Callable[["Workspace", "Job"], tuple[Mapping[str, Any], dict[str, bytes]]]


@dataclass(frozen=True)
class Kind:
    """Everything about one kind of document."""

    name: str                    # "bao-cao": the --kind value and the output file's stem
    title: str                   # what it is, for people
    formats: tuple[str, ...]     # the files a build writes ("docx", "pdf", "html")
    template: str                # templates/<template>
    build: Builder               # the context builder (see reportgen.context for the parts)
    doc_type: str = ""           # the printed type line ("BÁO CÁO"); "" for none
    archive_type: str = ""       # the record's document type when there is no type line
    needs_figures: bool = True   # figures of the unit or a unit below it for the period
    needs_meeting: bool = False  # a meetings/*.yaml of the unit and period
    issuer: Issuer = field(default_factory=Issuer)  # the default issuer ([issuers.<kind>] overrides)
    issuer_by_level: dict[str, Issuer] = field(default_factory=dict)  # level -> default issuer
    signer: tuple[str | None, str] | None = None  # default (authority, title), or None: no signature block
    chair_signs: bool = False    # units.csv's nguoi_ky (the chair) signs when no [signers] entry

    def default_issuer(self, level: str) -> Issuer:
        return self.issuer_by_level.get(level, self.issuer)

    @property
    def record_type(self) -> str:
        """The document type of an archive record of this kind."""
        return self.doc_type or self.archive_type


