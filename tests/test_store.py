"""The fingerprint store (reportgen/store.py): one JSON file in the output folder, saved only
when something changed, not trusted when missing, corrupt or another version's."""

from __future__ import annotations

import hashlib
import json

from reportgen import __version__
from reportgen.store import SCHEME, STORE_FORMAT, Entry, Fingerprint, Store, canonical_json, sha256_bytes, sha256_file, state_dir

PRINT = Fingerprint({"data": "d1", "template": "t1"})


def test_digests_and_canonical_json(tmp_path):
    assert sha256_bytes(b"abc") == hashlib.sha256(b"abc").hexdigest()
    (tmp_path / "f").write_bytes(b"x" * (3 << 20))
    assert sha256_file(tmp_path / "f") == hashlib.sha256(b"x" * (3 << 20)).hexdigest()
    assert canonical_json({"b": 1, "a": "Hòa"}) == '{"a":"Hòa","b":1}'.encode()


def test_a_fingerprint_names_the_parts_that_changed():
    later = Fingerprint({"data": "d2", "template": "t1", "style": "s"})
    assert later.changed(PRINT) == ["data", "style"]
    assert PRINT.changed(Fingerprint(dict(PRINT.parts))) == []
    assert PRINT.digest == Fingerprint({"template": "t1", "data": "d1"}).digest != later.digest


def test_saved_and_loaded_back(tmp_path):
    store, warning = Store.load(tmp_path)
    assert (store.entries, warning, store.path) == ({}, None, tmp_path / ".reportgen" / "fingerprints.json")
    store.record("2022-Q1/TM/bao-cao.pdf", "ab" * 32, 3, "bao-cao.html.j2", PRINT)
    store.runs["k"] = {"any": "thing"}
    store.save()
    data = json.loads(store.path.read_text(encoding="utf-8"))
    assert (data["format"], data["scheme"], data["reportgen"]) == (STORE_FORMAT, SCHEME, __version__)
    back, warning = Store.load(tmp_path)
    assert warning is None
    assert back.entries == {"2022-Q1/TM/bao-cao.pdf": Entry("ab" * 32, 3, "bao-cao.html.j2", PRINT)}
    assert back.runs == {"k": {"any": "thing"}} and back.changed is False


def test_nothing_is_written_when_nothing_changed(tmp_path):
    store, _ = Store.load(tmp_path)
    store.save()
    assert not state_dir(tmp_path).exists()
    store.record("a.pdf", "00", None, "t", PRINT)
    store.save()
    store.record("a.pdf", "00", None, "t", PRINT)  # the same entry: no change
    assert store.changed is False


def test_a_changed_entry_drops_the_recorded_runs(tmp_path):
    store, _ = Store.load(tmp_path)
    store.runs["k"] = {"r": 1}
    store.record("a.pdf", "00", None, "t", PRINT)
    assert store.runs == {}
    store.runs["k"] = {"r": 1}
    store.forget("missing.pdf")
    assert store.runs == {"k": {"r": 1}}
    store.forget("a.pdf")
    assert (store.runs, store.entries) == ({}, {})


def test_a_corrupt_store_is_not_trusted(tmp_path):
    state_dir(tmp_path).mkdir()
    (state_dir(tmp_path) / "fingerprints.json").write_text('{"format": "khac"}', encoding="utf-8")
    store, warning = Store.load(tmp_path)
    assert (store.entries, store.changed) == ({}, True)
    assert warning == (f"{store.path}: tệp dấu vân tay hỏng (không phải tệp dấu vân tay của reportgen); "
                       "bỏ qua, lập lại mọi văn bản")


def test_another_versions_store_keeps_only_what_it_wrote(tmp_path):
    state_dir(tmp_path).mkdir()
    (state_dir(tmp_path) / "fingerprints.json").write_text(json.dumps({
        "format": STORE_FORMAT, "scheme": SCHEME, "reportgen": "0.0.1",
        "files": {"a.pdf": {"sha256": "aa", "pages": 2, "template": "t", "parts": {"x": "y"}}, "b.pdf": {"pages": 1}}}),
        encoding="utf-8")
    store, warning = Store.load(tmp_path)
    assert store.entries == {"a.pdf": Entry("aa", 2, "t", Fingerprint({}), "0.0.1")}
    assert warning == (f"{store.path}: dấu vân tay do reportgen 0.0.1 (lược đồ {SCHEME}) ghi, không dùng được "
                       f"với reportgen {__version__}; lập lại mọi văn bản")
