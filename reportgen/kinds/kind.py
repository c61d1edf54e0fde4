"""The description of a document kind (see :mod:`reportgen.kinds`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reportgen.formats import File
from reportgen.schema import Issuer, header_form

if TYPE_CHECKING:
    from reportgen.job import Job
    from reportgen.workspace_types import Workspace

# (context, assets): the template's variables (a TypedDict of reportgen.context_types) and the
# files it links to (name -> bytes)
Builder = Callable[["Workspace", "Job"], tuple[Mapping[str, Any], dict[str, bytes]]]


@dataclass(frozen=True)
class Extra:
    """A file a kind's document writes beside one of its formats' files (the bulletin's photo).

    Its bytes are the document's asset ``<kind>.<suffix>`` (the builder's), written by a
    format that carries its assets (:attr:`reportgen.formats.Format.carries_assets`).
    """

    format: str                # the format that writes it ("html")
    files: tuple[File, ...]    # every suffix it may have ("anh.jpg", "anh.png")
    of: Callable[["Workspace", "Job"], str | None]  # the suffix a job's document writes, or None


@dataclass(frozen=True)
class Kind:
    """Everything about one kind of document."""

    name: str                    # "bao-cao": the --kind value and the output file's stem
    title: str                   # what it is, for people
    formats: tuple[str, ...]     # the files a build writes ("docx", "pdf", "html")
    template: str                # templates/<template>
    build: Builder               # the context builder (see reportgen.context for the parts)
    short: str = ""              # its name in a list, for people ("Báo cáo"); "" for the title
    doc_type: str = ""           # the printed type line ("BÁO CÁO"); "" for none
    archive_type: str = ""       # the record's document type when there is no type line
    needs_figures: bool = True   # figures of the unit or a unit below it for the period
    needs_meeting: bool = False  # a meetings/*.yaml of the unit and period
    issuer: Issuer = field(default_factory=Issuer)  # the default issuer ([issuers.<kind>] overrides)
    issuer_by_level: dict[str, Issuer] = field(default_factory=dict)  # level -> default issuer
    # a kind issued one of two ways (Issuer.issued_by): form -> level -> that form's issuer,
    # and the form of each level's default; empty for a kind with one issuer
    issuer_forms: dict[str, dict[str, Issuer]] = field(default_factory=dict)
    default_forms: dict[str, str] = field(default_factory=dict)
    signer: tuple[str | None, str] | None = None  # default (authority, title), or None: no signature block
    chair_signs: bool = False    # units.csv's nguoi_ky (the chair) signs when no [signers] entry
    uses_report_text: bool = False  # states the unit's own text (noi-dung/*.yaml, [noi_dung])
    extras: tuple[Extra, ...] = ()  # files written beside a format's (the bulletin's photo)

    def extra_suffixes(self, ws: Workspace, job: Job, fmt: str) -> tuple[str, ...]:
        """The suffixes of the extra files format ``fmt`` of ``job``'s document writes."""
        return tuple(s for extra in self.extras if extra.format == fmt if (s := extra.of(ws, job)))

    def extra_format(self, suffix: str) -> str | None:
        """The format that writes the extra file of ``suffix``; None if no extra has it."""
        return next((e.format for e in self.extras for f in e.files if f.suffix == suffix), None)

    def default_issuer(self, level: str) -> Issuer:
        if level in self.issuer_by_level:
            return self.issuer_by_level[level]
        form = self.default_forms.get(level)
        return self.issuer_forms[form][level] if form else self.issuer

    def issuer_for(self, configured: Mapping[str, Issuer], level: str) -> tuple[Issuer, str | None]:
        """The issuer of this kind for a unit of ``level``, and the ``[issuers]`` key it comes
        from (None: the kind's default).

        ``[issuers."<kind>.<level>"]``, else the kind's default for the level, else
        ``[issuers.<kind>]``, else the kind's default. A configured issuer of a kind with two
        forms takes the keys it leaves out from its form (``issued_by``, else the form its
        ``body`` shows, else the level's default form).
        """
        key = f"{self.name}.{level}"
        if key not in configured:
            if level in self.issuer_by_level or self.name not in configured:
                return self.default_issuer(level), None
            key = self.name
        issuer = configured[key]
        if not self.issuer_forms:
            return issuer, key
        form = issuer.issued_by or (header_form(issuer) if "body" in issuer.model_fields_set
                                    else self.default_forms.get(level, "office"))
        preset = self.issuer_forms[form].get(level) or next(iter(self.issuer_forms[form].values()))
        given = {name: getattr(issuer, name) for name in issuer.model_fields_set}
        return preset.model_copy(update={**given, "issued_by": form}), key

    @property
    def record_type(self) -> str:
        """The document type of an archive record of this kind."""
        return self.doc_type or self.archive_type
