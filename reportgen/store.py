"""The fingerprint store: what the build remembers of its output folder.

One JSON file inside the output root, ``<out>/.reportgen/fingerprints.json``: per output
file (path relative to the root) its SHA-256, PDF page count, template name and
fingerprint parts (:class:`Fingerprint`, made by :mod:`reportgen.fingerprint`). A store
that is missing (while outputs exist), unreadable, corrupt, or written by another reportgen
version or scheme is not trusted: :meth:`Store.load` returns an empty store and a warning.
The store also keeps the *runs* of :mod:`reportgen.noop` as opaque records (JSON objects
that only noop reads); any change to the files' entries drops them.

Used by the build (``batch.py``), the no-op check (``noop.py``) and the archive (is a record
what was built? ``archive/built.py``, through ``fingerprint.built_differences``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from reportgen import __version__
from reportgen.files import write_atomic

SCHEME = 1
STATE_DIR = ".reportgen"
STORE_FILE = "fingerprints.json"
STORE_FORMAT = "reportgen-fingerprints"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def canonical_json(value) -> bytes:
    """Sorted keys, no spaces, UTF-8; dates and other objects as their ``str``."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


@dataclass(frozen=True)
class Fingerprint:
    """Part name -> digest. Equal fingerprints mean the same inputs made the file."""

    parts: dict[str, str]

    @property
    def digest(self) -> str:
        return sha256_bytes(canonical_json(self.parts))

    def changed(self, earlier: "Fingerprint") -> list[str]:
        """Names of the parts that differ from ``earlier`` (added, removed or changed), sorted."""
        names = set(self.parts) | set(earlier.parts)
        return sorted(n for n in names if self.parts.get(n) != earlier.parts.get(n))


@dataclass
class Entry:
    """What the store remembers of one output file."""

    sha256: str
    pages: int | None
    template: str
    fingerprint: Fingerprint
    version: str = __version__


@dataclass
class Store:
    """Fingerprints of the files under an output root, by path relative to it."""

    root: Path
    entries: dict[str, Entry] = field(default_factory=dict)
    changed: bool = False  # since loading: save() writes only then
    # request key -> a run of reportgen.noop (a JSON object, opaque here): the builds a no-op can replay
    runs: dict[str, dict] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return state_dir(self.root) / STORE_FILE

    @classmethod
    def load(cls, out_root: Path) -> tuple["Store", str | None]:
        """The store of ``out_root``, or an empty one and why the file was not trusted."""
        store = cls(Path(out_root))
        path = store.path
        if not path.exists():
            return store, None
        try:
            data = json.loads(path.read_bytes().decode("utf-8"))
            if not isinstance(data, dict) or data.get("format") != STORE_FORMAT:
                raise ValueError("không phải tệp dấu vân tay của reportgen")
            if data.get("scheme") != SCHEME or data.get("reportgen") != __version__:
                store.changed = True
                store.entries = _written_by_another_version(data)  # what it wrote still gets removed
                return store, (f"{path}: dấu vân tay do reportgen {data.get('reportgen')} (lược đồ "
                               f"{data.get('scheme')}) ghi, không dùng được với reportgen {__version__}; "
                               "lập lại mọi văn bản")
            for relpath, item in data["files"].items():
                parts = item["parts"]
                if not (isinstance(parts, dict) and all(isinstance(v, str) for v in parts.values())
                        and isinstance(item["sha256"], str) and isinstance(item["template"], str)):
                    raise ValueError(f"mục {relpath} sai dạng")
                store.entries[str(relpath)] = Entry(item["sha256"], item.get("pages"), item["template"],
                                                    Fingerprint(dict(parts)))
            runs = data.get("runs", {})
            if not (isinstance(runs, dict) and all(isinstance(run, dict) for run in runs.values())):
                raise ValueError("mục runs sai dạng")
            store.runs = {str(key): run for key, run in runs.items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            store.entries.clear()
            store.runs.clear()
            store.changed = True  # replace the corrupt file even if this build records nothing
            return store, f"{path}: tệp dấu vân tay hỏng ({exc}); bỏ qua, lập lại mọi văn bản"
        return store, None

    def entry(self, relpath: str) -> Entry | None:
        return self.entries.get(relpath)

    def record(self, relpath: str, sha256: str, pages: int | None, template: str, fingerprint: Fingerprint) -> None:
        entry = Entry(sha256, pages, template, fingerprint)
        if self.entries.get(relpath) != entry:
            self.entries[relpath] = entry
            self._entries_changed()

    def forget(self, relpath: str) -> None:
        if self.entries.pop(relpath, None) is not None:
            self._entries_changed()

    def _entries_changed(self) -> None:
        """A file's entry changed: the recorded runs (:mod:`reportgen.noop`) no longer hold."""
        self.runs.clear()
        self.changed = True

    def save(self) -> None:
        """Write the store atomically (a reader sees the old or the new one, never half),
        when something changed since it was loaded (or the file on disk was not trusted)."""
        if not self.changed:
            return
        data = {"format": STORE_FORMAT, "scheme": SCHEME, "reportgen": __version__,
                "files": {relpath: {"sha256": e.sha256, "pages": e.pages, "template": e.template,
                                    "parts": e.fingerprint.parts}
                          for relpath, e in sorted(self.entries.items())},
                "runs": self.runs}
        write_atomic(self.path, json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True).encode("utf-8"))
        self.changed = False


def _written_by_another_version(data: dict) -> dict[str, Entry]:
    """The files a store of another reportgen version (or scheme) says it wrote, with their
    SHA-256, so that a file no longer planned is still removed after an upgrade (and an edited
    one left). Their fingerprints are not kept: every document is rendered again."""
    files = data.get("files")
    version = str(data.get("reportgen"))
    entries = {}
    for relpath, item in (files.items() if isinstance(files, dict) else ()):
        if isinstance(item, dict) and isinstance(item.get("sha256"), str):
            pages = item.get("pages") if isinstance(item.get("pages"), int) else None
            entries[str(relpath)] = Entry(item["sha256"], pages, str(item.get("template", "")), Fingerprint({}), version)
    return entries


def state_dir(out_root: Path) -> Path:
    """``<out>/.reportgen``: the build's own files (fingerprints, temporary folder)."""
    return Path(out_root) / STATE_DIR
