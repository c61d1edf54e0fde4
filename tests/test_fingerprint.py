"""Fingerprints (reportgen/fingerprint.py): one digest per part that made a file, named as the
user knows it, so that an edit changes exactly the documents it can change, and the archive's
check says what changed since the build."""

from __future__ import annotations

from reportgen import __version__
from reportgen import fingerprint as fp
from reportgen.job import Job
from reportgen.periods import Period
from reportgen.store import Entry, Fingerprint, Store, sha256_bytes
from reportgen.workspace import load_workspace
from tests.conftest import replace_in

Q1 = Period.parse("2022-Q1")
FIGURES = "figures/mot-cua-2022-q1.csv"
MEETING = "meetings/2022-q1-thap-muoi.yaml"
COMMUNE, DISTRICT, NOTICE = Job("bao-cao", "TM-MH", Q1), Job("bao-cao", "TM", Q1), Job("thong-bao", "TM", Q1)


def prints(workspace):
    inputs = fp.Inputs(load_workspace(workspace))
    return {job.key: inputs.fingerprint(job, fmt, f"{job.kind}.html.j2")
            for job, fmt in ((COMMUNE, "pdf"), (DISTRICT, "pdf"), (NOTICE, "docx"))}


def test_the_parts_of_a_commune_report_and_a_district_notice(workspace):
    before = prints(workspace)
    commune = set(before[COMMUNE.key].parts)
    assert {"văn bản", "reportgen", "phông chữ", "reportgen.toml", "units.csv", FIGURES, "mẫu bao-cao.html.j2",
            "mẫu base.html.j2", "mẫu phrases.html.j2", "mẫu print.css"} <= commune
    assert MEETING not in commune and "mẫu base.docx" not in commune  # no meeting of its own; a PDF
    notice = set(before[NOTICE.key].parts)
    assert {MEETING, "mẫu thong-bao.html.j2", "mẫu base.docx"} <= notice and "mẫu bao-cao.html.j2" not in notice


def test_a_communes_figures_change_its_report_and_the_districts_not_another_communes(workspace):
    before = prints(workspace)
    replace_in(workspace / FIGURES, "2022-Q1,TM-MQ,", "2022-Q1,TM-MQ,1", 1)  # the online count of Mỹ Quý
    after = prints(workspace)
    assert after[DISTRICT.key].changed(before[DISTRICT.key]) == [FIGURES]
    assert after[COMMUNE.key].changed(before[COMMUNE.key]) == []
    assert after[NOTICE.key].changed(before[NOTICE.key]) == [FIGURES]


def test_the_meeting_file_changes_only_its_units_documents(workspace):
    before = prints(workspace)
    replace_in(workspace / MEETING, "Trần Thị Quý", "Trần Thị Quí")
    after = prints(workspace)
    assert after[NOTICE.key].changed(before[NOTICE.key]) == [MEETING]
    assert after[COMMUNE.key].changed(before[COMMUNE.key]) == []


def test_an_override_of_a_template_changes_the_documents_that_use_it(workspace):
    before = prints(workspace)
    (workspace / "templates").mkdir()
    (workspace / "templates" / "thong-bao.html.j2").write_text('{% extends "base.html.j2" %}', encoding="utf-8")
    after = prints(workspace)
    # the override extends base.html.j2 but imports no macros: the notice no longer depends on them
    assert after[NOTICE.key].changed(before[NOTICE.key]) == ["mẫu macros.html.j2", "mẫu thong-bao.html.j2"]
    assert after[COMMUNE.key].changed(before[COMMUNE.key]) == []


def test_the_archive_is_told_what_changed_since_the_build(workspace, tmp_path):
    out = tmp_path / "out"
    store = Store(out)
    inputs = fp.Inputs(load_workspace(workspace))
    assert fp.built_differences(store, inputs, DISTRICT, "pdf") == [
        f"{out}/2022-Q1/TM/bao-cao.pdf: chưa được lập (không có trong {out}/.reportgen/fingerprints.json)"]
    (out / "2022-Q1" / "TM").mkdir(parents=True)
    (out / "2022-Q1" / "TM" / "bao-cao.pdf").write_bytes(b"%PDF")
    store.record("2022-Q1/TM/bao-cao.pdf", sha256_bytes(b"%PDF"), 1, "bao-cao.html.j2",
                 inputs.fingerprint(DISTRICT, "pdf", "bao-cao.html.j2"))
    assert fp.built_differences(store, inputs, DISTRICT, "pdf") == []
    replace_in(workspace / FIGURES, "2022-Q1,TM,336,", "2022-Q1,TM,337,")
    assert fp.built_differences(store, fp.Inputs(load_workspace(workspace)), DISTRICT, "pdf") == [
        f"{FIGURES}: dữ liệu của văn bản này đã đổi sau lần lập"]
    (out / "2022-Q1" / "TM" / "bao-cao.pdf").write_bytes(b"%PDF edited")
    assert fp.built_differences(store, inputs, DISTRICT, "pdf") == [f"{out}/2022-Q1/TM/bao-cao.pdf: tệp đã bị sửa sau khi lập"]


def test_each_change_in_words():
    entry = Entry("x", None, "t", Fingerprint({"mẫu a.j2": "có sẵn:1", "figures/a.csv": "1", "reportgen": "e"}), "0.0.9")

    def said(name: str, now: dict) -> str:
        return fp.describe_change(name, entry, Fingerprint(now))

    assert said("reportgen", {}) == ("phiên bản reportgen hoặc thư viện dựng văn bản đã đổi kể từ lần lập "
                                     "(lập bằng reportgen 0.0.9)")
    assert said("mẫu a.j2", {"mẫu a.j2": "workspace:2"}) == "mẫu a.j2: lúc lập dùng mẫu có sẵn, nay dùng mẫu workspace"
    assert said("mẫu a.j2", {"mẫu a.j2": "có sẵn:2"}) == "mẫu a.j2 (có sẵn) đã sửa sau lần lập"
    assert said("mẫu b.j2", {"mẫu b.j2": "workspace:1"}) == "mẫu b.j2 mới có sau lần lập (workspace)"
    assert said("mẫu a.j2", {}) == "mẫu a.j2 không còn (lúc lập: có sẵn)"
    assert said("figures/b.csv", {"figures/b.csv": "1"}) == "figures/b.csv: có dữ liệu mới cho văn bản này sau lần lập"
    assert said("figures/a.csv", {}) == "figures/a.csv: không còn dữ liệu của văn bản này (lúc lập có)"
    assert __version__ != "0.0.9"


def test_a_template_name_as_the_loader_reads_it():
    assert (fp.loader_name("./a/./b.html.j2"), fp.loader_name("../x.j2"), fp.loader_name(None)) == ("a/b.html.j2", None, None)
