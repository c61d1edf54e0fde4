"""The no-op rebuild, decided before the workspace is loaded (issue 9 item 4).

A build that ends without a failure records a :class:`Run` for its command's options: the
stat and SHA-256 of every input file (workspace, built-in templates, reportgen's package),
one digest of the environment, the warnings and Results it gave, and its outputs' stat and
SHA-256 (kept by :mod:`reportgen.store` as an opaque record). :func:`look` takes the same
snapshot first; when nothing differs, the recorded answer is the build's, without importing
pandas. A stat is trusted only when the file was not changed within :data:`RACY_NS` of its
snapshot. The rules: docs/architecture.md, "Incremental builds".
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from reportgen import __version__, layout
from reportgen.errors import Problem
from reportgen.files import STRAY_TEMP
from reportgen.resources import BUILTIN_TEMPLATES, PACKAGE_DIR
from reportgen.results import Result
from reportgen.store import SCHEME, Store, canonical_json, sha256_bytes, sha256_file, state_dir

RUN_SCHEME = 1
RACY_NS = 2_000_000_000  # 2 s: also covers file systems that keep times in whole seconds (or two)
MAX_RUNS = 4
TEMP_DIR = "tmp"  # under <out>/.reportgen: the build's run folders (batch.TEMP_DIR)


@dataclass(frozen=True)
class Request:
    """A build command's options that decide its results (not ``--jobs``, ``--json``, ``--force``)."""

    workspace: Path
    out: Path
    periods: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return sha256_bytes(canonical_json([
            RUN_SCHEME, str(self.workspace), os.path.abspath(self.workspace), str(self.out),
            os.path.abspath(self.out), list(self.periods), list(self.units), list(self.kinds), list(self.formats)]))


@dataclass
class Run:
    """What a finished build remembers for its options (see the module's docstring)."""

    inputs_at: int
    inputs: dict[str, dict[str, list]]
    environment: str
    warnings: list[dict]
    results: list[dict]
    outputs_at: int
    outputs: dict[str, list]

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data) -> "Run":
        """The run stored as ``data``; ValueError when it is not one."""
        if not isinstance(data, dict) or set(data) != {f for f in cls.__dataclass_fields__}:
            raise ValueError("lần lập đã ghi nhớ sai dạng")
        run = cls(**data)
        if not (isinstance(run.inputs_at, int) and isinstance(run.outputs_at, int)
                and isinstance(run.environment, str)
                and isinstance(run.inputs, dict) and all(isinstance(t, dict) for t in run.inputs.values())
                and all(isinstance(s, list) for t in run.inputs.values() for s in t.values())
                and isinstance(run.outputs, dict)
                and all(isinstance(s, list) and len(s) == 5 and all(isinstance(n, int) for n in s[:4])
                        and isinstance(s[4], str) for s in run.outputs.values())
                and isinstance(run.warnings, list) and isinstance(run.results, list)):
            raise ValueError("lần lập đã ghi nhớ sai dạng")
        try:
            [Problem(**w) for w in run.warnings]
            results = [Result(**r) for r in run.results]
        except TypeError as exc:
            raise ValueError(f"lần lập đã ghi nhớ sai dạng ({exc})") from exc
        if any(r.path is not None and r.path not in run.outputs for r in results):
            raise ValueError("lần lập đã ghi nhớ thiếu tệp")
        return run


@dataclass
class Snapshot:
    """The inputs and the environment now; ``inputs`` is None when they cannot be recorded."""

    at: int
    inputs: dict[str, dict[str, list]] | None
    environment: str


@dataclass
class Look:
    """What :func:`look` found: the snapshot, and the no-op's warnings and results if nothing changed."""

    request: Request
    snapshot: Snapshot
    results: list[Result] | None = None
    warnings: list[Problem] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return self.results is not None


def look(request: Request, replay: bool = True) -> Look:
    """Snapshot the inputs; with ``replay``, the recorded no-op when nothing changed since the run."""
    store, warning = Store.load(request.out)
    earlier = None if warning else _run(store, request.key)
    snapshot = take_snapshot(request, earlier)
    if replay and earlier is not None and _still(store, request, snapshot, earlier):
        return Look(request, snapshot, [Result(**r) for r in earlier.results], [Problem(**w) for w in earlier.warnings])
    return Look(request, snapshot)


def remember(store: Store, look: Look, warnings: list[Problem], outcome: list[Result],
             unchanged: list[Result] | None) -> None:
    """Record the run of ``look.request`` in ``store``: the build gave ``outcome``, and a build
    with nothing changed would give ``unchanged`` (None: it would not be a no-op).

    Nothing is recorded (and an earlier run of the same options is dropped) when a document
    failed, the inputs could not be snapshotted, or an output's bytes are no longer the ones
    built (then the next build must look at it)."""
    key = look.request.key
    if store.runs.pop(key, None) is not None:
        store.changed = True
    if unchanged is None or look.snapshot.inputs is None or any(r.status == "failed" for r in outcome):
        return
    outputs_at = time.time_ns()
    outputs = {}
    for result in unchanged:
        if result.path is None:
            continue
        try:
            info = os.stat(result.path)
            if not stat.S_ISREG(info.st_mode) or sha256_file(Path(result.path)) != result.sha256:
                return
        except OSError:
            return
        outputs[result.path] = [*_stat_key(info), result.sha256]
    store.runs[key] = Run(look.snapshot.at, look.snapshot.inputs, look.snapshot.environment,
                          [_fields(w) for w in warnings], [_fields(r) for r in unchanged], outputs_at, outputs).to_json()
    while len(store.runs) > MAX_RUNS:  # the least recently recorded goes (a run unreadable first)
        del store.runs[min(store.runs, key=lambda k: run.outputs_at if (run := _run(store, k)) else -1)]
    store.changed = True


def _run(store: Store, key: str) -> Run | None:
    """The run the store keeps under ``key`` (an opaque record there), or None when there is
    none or it is not one (a hand-edited store): the build then takes the normal path."""
    try:
        return Run.from_json(store.runs[key]) if key in store.runs else None
    except ValueError:
        return None


def _fields(item) -> dict:
    """A dataclass's fields that are not None (the others take their default back)."""
    return {name: value for name, value in asdict(item).items() if value is not None}


# ---- is it still the same? -------------------------------------------------------------

def _still(store: Store, request: Request, snapshot: Snapshot, run: Run) -> bool:
    """True when a normal build of ``request`` would now say exactly what ``run`` recorded."""
    if snapshot.inputs is None or _contents(snapshot.inputs) != _contents(run.inputs) \
            or snapshot.environment != run.environment:
        return False
    temp = state_dir(request.out) / TEMP_DIR
    try:
        if any(os.scandir(temp)):
            return False  # a run folder: another build is running, or one was killed (to clean)
    except FileNotFoundError:
        pass
    except OSError:
        return False
    folders = set()
    for item in run.results:
        path = item.get("path")
        result = Result(**item)
        if path is None or result.format is None:
            continue
        entry = store.entry(layout.relative_path(result, result.format))
        if entry is None or entry.sha256 != result.sha256 or entry.pages != result.pages:
            return False
        if not _same_output(path, run.outputs[path], run.outputs_at):
            return False
        folders.add(os.path.dirname(path))
    try:
        return not any(STRAY_TEMP.match(name) for folder in folders for name in os.listdir(folder or "."))
    except OSError:
        return False


def _contents(inputs: dict[str, dict[str, list]]) -> dict:
    """The inputs without their stat: each file's SHA-256 (a touched file is the same input)."""
    return {root: {path: _content(signature) for path, signature in tree.items()} for root, tree in inputs.items()}


def _content(signature: list) -> tuple:
    if signature and signature[0] == "link":
        return ("link", signature[1], *_content(signature[2:]))
    if len(signature) == 5 and isinstance(signature[4], str):
        return ("file", signature[4])
    return tuple(signature)


def _same_output(path: str, recorded: list, recorded_at: int) -> bool:
    """The output file is the recorded one: same stat (not racy), else same bytes."""
    try:
        info = os.stat(path)
    except OSError:
        return False
    if not stat.S_ISREG(info.st_mode):
        return False
    if _trusted(info, recorded, recorded_at - RACY_NS):
        return True
    try:
        return info.st_size == recorded[0] and sha256_file(Path(path)) == recorded[4]
    except OSError:
        return False


def _stat_key(info: os.stat_result) -> list[int]:
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


def _trusted(info: os.stat_result, recorded: list | None, racy_before: int) -> bool:
    """The recorded SHA-256 still holds: same stat, taken long enough after the file last changed."""
    return (recorded is not None and len(recorded) == 5 and recorded[:4] == _stat_key(info)
            and 0 < info.st_mtime_ns < racy_before and 0 < info.st_ctime_ns < racy_before)


# ---- the snapshot ------------------------------------------------------------------------

def take_snapshot(request: Request, earlier: Run | None = None) -> Snapshot:
    """The inputs' signatures (``earlier``'s SHA-256 reused where the stat is trusted) and the environment."""
    at = time.time_ns()
    known = earlier.inputs if earlier else {}
    racy_before = earlier.inputs_at - RACY_NS if earlier else 0
    out = os.path.realpath(request.out)
    roots = (("workspace", Path(request.workspace), ()), ("templates", BUILTIN_TEMPLATES, ()),
             ("reportgen", PACKAGE_DIR, ("__pycache__",)))
    trees: dict[str, dict[str, list]] = {}
    try:
        for name, root, skip in roots:
            tree = _tree(root, out, skip, known.get(name, {}), racy_before)
            if tree is None:
                return Snapshot(at, None, environment())
            trees[name] = tree
    except OSError:  # an unreadable folder: the build will say what it cannot read; nothing recorded
        return Snapshot(at, None, environment())
    return Snapshot(at, trees, environment())


def _tree(root: Path, out: str, skip: tuple[str, ...], known: dict[str, list], racy_before: int):
    """Relative path -> signature of every entry under ``root``; None if ``root`` is not a
    folder or holds a link to a folder (not followed, so not recorded)."""
    if not root.is_dir():
        return None
    if not out.startswith(os.path.realpath(root) + os.sep):
        out = ""  # the output folder is elsewhere: no folder to leave out
    found: dict[str, list] = {}
    todo = [(str(root), "")]
    while todo:
        folder, prefix = todo.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                relative = prefix + entry.name
                if entry.is_symlink():
                    target = os.readlink(entry.path)
                    try:
                        info = os.stat(entry.path)
                    except OSError:
                        found[relative] = ["link", target]
                        continue
                    if stat.S_ISDIR(info.st_mode):
                        return None
                    earlier = known.get(relative)
                    earlier = earlier[2:] if earlier and earlier[:2] == ["link", target] else None
                    found[relative] = ["link", target, *_signature(entry.path, info, earlier, racy_before)]
                elif entry.is_dir(follow_symlinks=False):
                    if entry.name in skip or (out and os.path.realpath(entry.path) == out):
                        continue
                    found[relative + "/"] = ["folder"]
                    todo.append((entry.path, relative + "/"))
                else:
                    info = entry.stat(follow_symlinks=False)
                    found[relative] = _signature(entry.path, info, known.get(relative), racy_before)
                if relative in found and found[relative][-1] is None:
                    return None  # unreadable or not a regular file: the build renders what depends on it
    return found


def _signature(path: str, info: os.stat_result, earlier: list | None, racy_before: int) -> list:
    """[size, mtime_ns, ctime_ns, inode, SHA-256] of a regular file; the earlier one when trusted."""
    if not stat.S_ISREG(info.st_mode):
        return ["special", None]  # a pipe or device is never read here
    if earlier is not None and _trusted(info, earlier, racy_before):
        return earlier
    try:
        return [*_stat_key(info), sha256_file(Path(path))]
    except OSError:
        return ["unreadable", None]


def environment() -> str:
    """One digest of what outside the inputs shapes a build (see the module's docstring)."""
    digest = hashlib.sha256(canonical_json([
        "reportgen", __version__, SCHEME, RUN_SCHEME, sys.version, sys.executable, sys.path,
        os.environ.get("SOURCE_DATE_EPOCH")]))
    for entry in sys.path:
        try:
            info = os.stat(entry or ".")
            digest.update(canonical_json([entry, info.st_mtime_ns, info.st_ino]))
        except OSError:
            digest.update(canonical_json([entry, None]))
    try:
        listing = subprocess.run(["fc-list", "--format", "%{file}\t%{index}\t%{family}\t%{style}\n"],
                                 capture_output=True, timeout=60, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        listing = b"no fontconfig"
    lines = sorted(set(listing.splitlines()))
    digest.update(b"\n".join(lines) + b"\0")
    for path in sorted({line.split(b"\t", 1)[0] for line in lines}):
        try:
            digest.update(canonical_json([path.decode("utf-8", "replace"), *_stat_key(os.stat(path))]))
        except OSError:
            digest.update(path + b"\0-")
    return digest.hexdigest()
