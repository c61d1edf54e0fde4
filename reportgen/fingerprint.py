"""Fingerprints: what made each output file, so a rebuild can skip what did not change.

A file's :class:`Fingerprint` holds one digest per *part* that made it, named as the user
knows it (``văn bản``, ``reportgen``, ``phông chữ``, ``reportgen.toml``, ``units.csv``,
``figures/<file>``, ``mẫu <name>``, ``tệp <path>`` ...), so a difference can be said in
Vietnamese; a file that cannot be read gets a digest no later build repeats. It hashes the
validated workspace and file digests, once per :class:`Inputs`; it builds no context and
renders nothing. What each part covers: docs/architecture.md, "Incremental builds".

Used by the build (``Inputs(ws).fingerprint(job, fmt, template)``, through :mod:`reportgen.stale`)
and the archive (``built_differences``: why a built file is not what these inputs make).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from functools import cached_property
from pathlib import Path

from reportgen import __version__, formats
from reportgen.layout import relative_path
from reportgen.periods import Period
from reportgen.resources import BUILTIN_TEMPLATES, PACKAGE_DIR
from reportgen.store import SCHEME, Entry, Fingerprint, Store, canonical_json, sha256_bytes, sha256_file

PHRASES = "phrases.html.j2"  # templating.PHRASES (not imported: it would import Jinja2 for a no-op)

# Libraries whose version can change the bytes of an output.
ENGINE_PACKAGES = ("weasyprint", "pydyf", "fonttools", "python-docx", "lxml", "matplotlib", "Jinja2", "Babel",
                   "pypdf", "pandas", "numpy", "pillow", "tinycss2", "cssselect2", "pyphen")
FONT_FAMILIES = ("Times New Roman", "Liberation Serif", "DejaVu Serif")
DOCUMENT_PART = "văn bản"
ENGINE_PART = "reportgen"
FONTS_PART = "phông chữ"
TEMPLATE_PREFIX = "mẫu "
OTHER_PREFIX = "tệp "


class Inputs:
    """Everything a build's fingerprints are made of, each digest computed once."""

    def __init__(self, ws, skip_folders=()):
        self.ws = ws
        self.skip_folders = tuple(skip_folders)  # the output folder, when it lies inside the workspace
        self._file_digests: dict[Path, str] = {}
        self._closures: dict[str, tuple[str, ...]] = {}

    # -- environment ---------------------------------------------------------------------
    @cached_property
    def engine(self) -> str:
        """reportgen's version, its source files and the rendering libraries' versions."""
        from importlib import metadata  # noqa: PLC0415 (a no-op build decided by reportgen.noop never needs it)

        digest = hashlib.sha256(f"reportgen {__version__} scheme {SCHEME} python {sys.version_info[:2]}".encode())
        for path in sorted(p for p in PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
        for name in ENGINE_PACKAGES:
            try:
                version = metadata.version(name)
            except metadata.PackageNotFoundError:
                version = "-"
            digest.update(f"{name}={version}\0".encode())
        return digest.hexdigest()

    @cached_property
    def fonts(self) -> str:
        """The font files fontconfig lists for the documents' families, with their contents."""
        try:
            listing = subprocess.run(["fc-list", "--format", "%{family}\t%{style}\t%{file}\n"],
                                     capture_output=True, text=True, timeout=60, check=True).stdout
        except (OSError, subprocess.SubprocessError):
            return sha256_bytes(b"no fontconfig")
        wanted = {f.casefold() for f in FONT_FAMILIES}
        lines = sorted({line for line in listing.splitlines()
                        if any(f.strip().casefold() in wanted for f in line.split("\t")[0].split(","))})
        digest = hashlib.sha256()
        for line in lines:
            path = Path(line.rsplit("\t", 1)[-1])
            digest.update(line.encode() + b"\0")
            digest.update(self._file_digest(path).encode() if path.is_file() else b"-")
        return digest.hexdigest()

    def _file_digest(self, path: Path) -> str:
        if path not in self._file_digests:
            self._file_digests[path] = sha256_file(path)
        return self._file_digests[path]

    # -- templates -----------------------------------------------------------------------
    @cached_property
    def template_roots(self) -> list[tuple[str, Path]]:
        roots = [("workspace", self.ws.templates_dir)] if self.ws.templates_dir.is_dir() else []
        return roots + [("có sẵn", BUILTIN_TEMPLATES)]

    @cached_property
    def template_files(self) -> dict[str, tuple[str, Path]]:
        """Relative name -> (origin, path) of every file the template loader can reach, the first
        root winning: any name (``.ghi-chu.html.j2`` too), through links and linked folders
        that stay inside the folder (:func:`reachable_files`)."""
        found: dict[str, tuple[str, Path]] = {}
        for origin, root in self.template_roots:
            for name, path in reachable_files(root):
                found.setdefault(name, (origin, path))
        return found

    def _template_closure(self, template: str) -> tuple[str, ...]:
        """``template`` and every template it references, transitively (all of them if dynamic)."""
        if template not in self._closures:
            import jinja2.meta  # noqa: PLC0415 (only a build that fingerprints needs it)

            from reportgen.templating import make_environment  # noqa: PLC0415

            env = make_environment(self.ws.templates_dir)
            seen, todo = set(), [template, PHRASES]  # Python renders the phrases itself (templating.phrase)
            while todo:
                name = todo.pop()
                if name in seen:
                    continue
                seen.add(name)
                if name not in self.template_files:
                    continue
                try:
                    source = self.template_files[name][1].read_text(encoding="utf-8")
                    references = [loader_name(r) for r in jinja2.meta.find_referenced_templates(env.parse(source))]
                except Exception:  # noqa: BLE001 (unparsable or unreadable: the render will say why; depend on all)
                    references = [None]
                if None in references:
                    seen |= set(self.template_files)
                    break
                todo += [r for r in references if r is not None]
            self._closures[template] = tuple(sorted(seen))
        return self._closures[template]

    def _template_parts(self, template: str, fmt: str) -> dict[str, str]:
        others, own = formats.template_files(fmt)  # base.docx is the DOCX's alone
        names = set(self._template_closure(template))
        names |= {n for n in self.template_files if not n.endswith(".j2") and Path(n).name not in others}
        names |= set(own)
        parts = {}
        for name in sorted(names):
            origin, path = self.template_files.get(name, ("không có", None))
            parts[TEMPLATE_PREFIX + name] = f"{origin}:{self._readable_digest(path) if path else '-'}"
        return parts

    def _readable_digest(self, path: Path) -> str:
        """The file's SHA-256; for a file that cannot be read, a value no later build repeats,
        so that every document depending on it is rendered (never "không đổi")."""
        try:
            return self._file_digest(path)
        except OSError:
            return self.unattributable

    # -- data ----------------------------------------------------------------------------
    @cached_property
    def config_digest(self) -> str:
        return sha256_bytes(canonical_json(self.ws.config.model_dump(mode="json")))

    @cached_property
    def _unit_rows(self) -> dict[str, str]:
        units = self.ws.units
        units = units[[c for c in units.columns if not str(c).startswith("_")]]  # not the line numbers
        return {code: sha256_bytes(canonical_json([code, *[str(v) for v in row]]))
                for code, row in zip(units.index, units.itertuples(index=False, name=None))}

    @cached_property
    def _tree(self) -> tuple[dict[str, str], dict[str, list[str]]]:
        parents = {code: parent for code, parent in self.ws.units["ma_cap_tren"].items()
                   if isinstance(parent, str) and parent}
        children: dict[str, list[str]] = {}
        for code, parent in parents.items():
            children.setdefault(parent, []).append(code)
        return parents, children

    @cached_property
    def _figure_rows(self) -> dict[str, list[tuple[int, Period, str, str]]]:
        """Unit -> [(position, period, file label, row digest)] for every figure row, every column:
        the units' rows, then the rows by field of procedure (``ws.fields``, whose sums the units'
        rows of those units are: a field renamed or moved changes the documents)."""
        rows: dict[str, list[tuple[int, Period, str, str]]] = {}
        position = 0
        for frame in (self.ws.figures, self.ws.fields):
            files = frame["_file"] if "_file" in frame.columns else ["figures"] * len(frame)
            columns = [c for c in frame.columns if not str(c).startswith("_")]  # every column but the line numbers
            values = zip(frame["ky"], frame["ma_don_vi"], files, *(frame[c] for c in columns))
            for period, unit, label, *cells in values:
                digest = sha256_bytes(canonical_json([[str(c) for c in columns], [_plain(v) for v in cells]]))
                rows.setdefault(unit, []).append((position, self.ws.period_of[period], str(label), digest))
                position += 1
        return rows

    def _meeting_part(self, job) -> dict[str, str]:
        key = (job.period, job.unit)
        meeting = self.ws.meetings.get(key)
        if meeting is None:
            return {}
        path = self.ws.meeting_files.get(key)
        label = f"meetings/{path.name}" if path else "meetings"
        parts = {label: sha256_bytes(canonical_json(meeting.model_dump(mode="json")))}
        photo = self.ws.photos.get(key)
        if photo is not None:  # the prepared photo's bytes: a new photo under the same name rebuilds
            parts[f"anh.tep {meeting.anh.tep}"] = sha256_bytes(photo[1])
        return parts

    def scope(self, unit: str) -> tuple[list[str], list[str]]:
        """(the unit and every unit below it, sorted; its ancestors, nearest first)."""
        parents, children = self._tree
        below, todo = [], [unit]
        while todo:
            code = todo.pop()
            below.append(code)
            todo += children.get(code, [])
        above, code = [], unit
        while code in parents and code not in above:
            code = parents[code]
            above.append(code)
        return sorted(below), above

    @cached_property
    def _unit_position(self) -> dict[str, int]:
        return {code: position for position, code in enumerate(self.ws.units.index)}

    def data_parts(self, job) -> dict[str, str]:
        below, above = self.scope(job.unit)
        period = job.period
        # in the file's order: the documents list the units as units.csv does
        scope = sorted({*below, *above}, key=lambda code: self._unit_position.get(code, -1))
        unit_rows = [self._unit_rows.get(code, "-") for code in scope]
        by_file: dict[str, list[tuple[int, str]]] = {}
        for code in below:
            for position, row_period, label, digest in self._figure_rows.get(code, ()):
                if row_period <= period:
                    by_file.setdefault(label, []).append((position, digest))
        parts = {"reportgen.toml": self.config_digest, "units.csv": sha256_bytes(canonical_json(unit_rows))}
        parts |= {label: sha256_bytes(canonical_json(sorted(digests))) for label, digests in by_file.items()}
        parts |= self._meeting_part(job)
        parts |= self._text_part(job)
        parts |= self.other_files
        return parts

    # -- everything else of the workspace ----------------------------------------------------
    @cached_property
    def unattributable(self) -> str:
        """The digest of an input that cannot be read: new in every build, never recorded twice."""
        return "không đọc được:" + os.urandom(16).hex()

    @cached_property
    def other_files(self) -> dict[str, str]:
        """``tệp <path>`` -> digest of every workspace file no part above accounts for.

        By construction rather than by list: every file under the workspace folder is an
        input of every document unless it is one the parts above stand for (reportgen.toml,
        units.csv, the figure, meeting and report text files the loader read, the photos the
        meetings name, the templates folder) or under the output folder. A file a new
        version of the loader reads, or nothing reads, is therefore never ignored: changing
        it renders every document. An unreadable file or one that is not a regular file gets
        :attr:`unattributable`, so that every document is rendered.
        """
        from reportgen.workspace import CONFIG_FILE, FIGURES_DIR, UNITS_FILE, figure_files  # noqa: PLC0415

        root = Path(self.ws.root)
        known = {CONFIG_FILE, UNITS_FILE}
        known |= {f"{FIGURES_DIR}/{p.name}" for p in figure_files(root)}
        known |= {p.relative_to(root).as_posix() for p in self.ws.meeting_files.values()}
        known |= {p.relative_to(root).as_posix() for p in self.ws.text_files.values()}
        known |= {Path(m.anh.tep).as_posix() for key, m in self.ws.meetings.items()
                  if key in self.ws.photos and m.anh is not None and m.anh.tep}
        skip = {os.path.realpath(self.ws.templates_dir)} | {os.path.realpath(p) for p in self.skip_folders}
        parts = {}
        for relative, digest in workspace_files(root, skip, self._readable_digest, self.unattributable):
            if relative not in known:
                parts[OTHER_PREFIX + relative] = digest
        return parts

    def _text_part(self, job) -> dict[str, str]:
        """The unit's own text of the period (noi-dung/*.yaml), for a kind that states it."""
        from reportgen.kinds import KINDS  # noqa: PLC0415

        key = (job.period, job.unit)
        text = self.ws.texts.get(key)
        if text is None or not KINDS[job.kind].uses_report_text:
            return {}
        return {f"noi-dung/{self.ws.text_files[key].name}": sha256_bytes(canonical_json(text.model_dump(mode="json")))}

    # -- the fingerprint -----------------------------------------------------------------
    def fingerprint(self, job, fmt: str, template: str) -> Fingerprint:
        """The fingerprint of output ``fmt`` (``docx``, ``pdf``, ``html``, ``fragment.html``) of ``job``."""
        parts = {DOCUMENT_PART: sha256_bytes(canonical_json([job.kind, job.unit, str(job.period), fmt, template])),
                 ENGINE_PART: self.engine, FONTS_PART: self.fonts}
        parts |= self.data_parts(job)
        parts |= self._template_parts(template, fmt)
        return Fingerprint(parts)


def _plain(value):
    """A cell of the figures frame as JSON: numbers as numbers (numpy's too), the rest as text."""
    if hasattr(value, "item"):
        value = value.item()
    return value if isinstance(value, (int, float, bool)) or value is None else str(value)


def loader_name(name: str | None) -> str | None:
    """A referenced template's name as the loader looks it up (``./a.j2`` is ``a.j2``); None stays None."""
    if name is None:
        return None
    pieces = [piece for piece in name.split("/") if piece and piece != "."]
    return None if ".." in pieces else "/".join(pieces)


def reachable_files(root: Path):
    """(name, path) of every file under ``root`` the template loader can open: any name, through
    links and linked folders whose real path stays inside ``root`` (each real folder once)."""
    real_root = os.path.realpath(root)
    if not os.path.isdir(real_root):
        return
    visited: set[str] = set()
    todo = [(str(root), "")]
    while todo:
        folder, prefix = todo.pop()
        real = os.path.realpath(folder)
        if real in visited or not Path(real).is_relative_to(real_root):
            continue
        visited.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            name = prefix + entry.name
            if not Path(os.path.realpath(entry.path)).is_relative_to(real_root):
                continue  # refused by the build (never read, not even hashed)
            if entry.is_dir():
                todo.append((entry.path, name + "/"))
            else:
                yield name, Path(entry.path)


def workspace_files(root: Path, skip: set[str], digest, unreadable: str):
    """(relative path, digest) of every entry under ``root`` but the folders in ``skip``
    (real paths): a regular file's ``digest(path)``; a link as its target (and what it leads to,
    if that is a file); anything else (a pipe, a device, an unreadable folder) ``unreadable``."""
    todo = [(str(root), "")]
    while todo:
        folder, prefix = todo.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            yield prefix or ".", unreadable
            continue
        for entry in entries:
            relative = prefix + entry.name
            try:
                if entry.is_symlink():
                    target = os.readlink(entry.path)
                    inner = digest(Path(entry.path)) if os.path.isfile(entry.path) else "-"
                    yield relative, f"liên kết:{target}:{inner}"
                elif entry.is_dir(follow_symlinks=False):
                    if os.path.realpath(entry.path) not in skip:
                        todo.append((entry.path, relative + "/"))
                elif entry.is_file(follow_symlinks=False):
                    yield relative, digest(Path(entry.path))
                else:
                    yield relative, unreadable
            except OSError:
                yield relative, unreadable


def built_differences(store: Store, inputs: Inputs, job, fmt: str) -> list[str]:
    """Why the built ``fmt`` file of ``job`` is not what ``inputs`` would build now; [] if it is.

    Checks that the store knows the file, that the file on disk is the one it recorded
    (SHA-256), and that every fingerprint part is unchanged; each reason names the file
    or input concerned, in Vietnamese.
    """
    relpath = relative_path(job, fmt)
    path = store.root / relpath
    entry = store.entry(relpath)
    if entry is None:
        return [f"{path}: chưa được lập (không có trong {store.path})"]
    if not path.is_file():
        return [f"{path}: không còn tệp đã lập"]
    if sha256_file(path) != entry.sha256:
        return [f"{path}: tệp đã bị sửa sau khi lập"]
    if not entry.fingerprint.parts:  # kept from a store of another version (Store.load)
        return [f"{path}: lập bằng reportgen {entry.version}, chưa lập lại từ khi nâng cấp lên {__version__}"]
    current = inputs.fingerprint(job, fmt, entry.template)
    return [describe_change(name, entry, current) for name in current.changed(entry.fingerprint)]


def describe_change(name: str, entry: Entry, current: Fingerprint) -> str:
    """One changed part, as a sentence naming what changed since the build."""
    before, now = entry.fingerprint.parts.get(name), current.parts.get(name)
    if name == ENGINE_PART:
        return f"phiên bản reportgen hoặc thư viện dựng văn bản đã đổi kể từ lần lập (lập bằng reportgen {entry.version})"
    if name == FONTS_PART:
        return "phông chữ của máy đã đổi kể từ lần lập"
    if name == DOCUMENT_PART:
        return "loại, đơn vị, kỳ, định dạng hoặc mẫu của văn bản đã đổi"
    if name.startswith(TEMPLATE_PREFIX):
        label = name[len(TEMPLATE_PREFIX):]
        if before is None:
            return f"mẫu {label} mới có sau lần lập ({(now or '').split(':')[0]})"
        if now is None or now.startswith("không có"):
            return f"mẫu {label} không còn (lúc lập: {before.split(':')[0]})"
        if before.split(":")[0] != now.split(":")[0]:
            return f"mẫu {label}: lúc lập dùng mẫu {before.split(':')[0]}, nay dùng mẫu {now.split(':')[0]}"
        return f"mẫu {label} ({now.split(':')[0]}) đã sửa sau lần lập"
    if before is None:
        return f"{name}: có dữ liệu mới cho văn bản này sau lần lập"
    if now is None:
        return f"{name}: không còn dữ liệu của văn bản này (lúc lập có)"
    return f"{name}: dữ liệu của văn bản này đã đổi sau lần lập"
