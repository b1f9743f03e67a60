"""Issued documents never change: `interim issue`, the check of validate and build, and
`interim redline --from issued` (generator.delivery.issuing, generator.delivery.canonical)."""

from __future__ import annotations

import datetime
import io
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from docx_reading import ROOT
from example_project import EXAMPLE_ID, ExampleProject
from lxml import etree
from make_env import make_env
from redline_reading import plain, resolve, stories_text, tracked, w

from generator.cli import main
from generator.delivery.build import Builder
from generator.delivery.canonical import canonical_text, digest
from generator.delivery.issuing import text_of
from generator.source.issued import text_name
from generator.source.project import load_assignment, load_firm
from generator.writer.converter import Converter
from generator.writer.toc import fill_pages

TARGET = 'target: "≤ 1,5 %"'
W1 = """    - id: W1
      date: 2027-02-19
      what: Deadline M2 van 12 maart naar 26 maart 2027
      why: Late levering van de scanners
      impact: Geen impact op einddatum
      approved_by: gdewit
      amends:                    # what the change does to the accepted plan
        milestones.M2.due: 2027-03-26
"""
W2 = """    - id: W2
      date: 2027-06-14           # the day he takes the lead (M4): from then on his role
      what: Jan Peeters neemt de leiding van de afdeling over als logistiek manager
      why: Mijlpaal M4 gehaald; hij leidt de afdeling zelfstandig
      impact: Geen impact op einddatum
      approved_by: gdewit
      amends:                    # a new role: documents dated from 14 June print it
        people.jpeeters.role: Logistiek manager
"""
"""The example's last change: the handbook as it stands is 1.3 of 14 June 2027."""
W3 = """    - id: W3
      date: 2027-06-18
      what: Doel D1 aangescherpt tot 1,2 %
      approved_by: gdewit
      amends:
        objectives.D1.target: "≤ 1,2 %"
"""


@pytest.fixture(autouse=True)
def cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test with a cache of its own: what one test read never answers another."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output and "internal error" not in result.output
    return result


def issue(document: str) -> Result:
    result = run("issue", EXAMPLE_ID, document)
    assert result.exit_code == 0, result.output
    return result


def records(example: ExampleProject) -> list[dict]:
    return yaml.safe_load((example.folder / "issued.yaml").read_text(encoding="utf-8"))["issued"]


def builder(example: ExampleProject) -> Builder:
    return Builder(load_firm(example.root), root=example.root)


def test_issue_records_version_date_digest_and_the_text_and_touches_no_source(
        example: ExampleProject) -> None:
    before = example.yaml.read_bytes()
    said = issue("handbook").output
    assert "issued handbook 1.3 of 2027-06-14: recorded in" in said
    (record,) = records(example)
    assert {k: record[k] for k in ("document", "version", "date")} == {
        "document": "handbook", "version": "1.3", "date": datetime.date(2027, 6, 14)}
    text = (example.folder / "issued" / "handbook-1.3.txt").read_text(encoding="utf-8")
    assert record["digest"] == digest(text.splitlines())
    assert "M2 | Scannergestuurd picken in hal A | 26 mrt 2027 | Jan Peeters" in text
    assert example.yaml.read_bytes() == before  # the author's file keeps every byte
    ok = run("validate")
    assert ok.exit_code == 0 and f"ok  {EXAMPLE_ID}" in ok.stdout, ok.output


@pytest.mark.parametrize(("old", "new", "key", "amends", "was", "now"), [
    (TARGET, 'target: "≤ 1,2 %"', "intake.objectives[0].target", "objectives.D1.target",
     "| 4,2 % | ≤ 1,5 % | 31 mei 2027", "| 4,2 % | ≤ 1,2 % | 31 mei 2027"),
    ("title: Scannergestuurd picken in hal A", "title: Scannergestuurd picken in hal A en B",
     "analysis.milestones[1].title", "milestones.M2.title",
     "«M2 | Scannergestuurd picken in hal A | 26 mrt", "M2 | Scannergestuurd picken in hal A en B"),
], ids=["target", "milestone-title"])
def test_an_edit_in_place_of_a_printed_fact_is_refused_by_validate_and_build(
        example: ExampleProject, old: str, new: str, key: str, amends: str, was: str,
        now: str) -> None:
    issue("handbook")
    example.edit(old, new)
    line = example.line_of(new)
    for args in (["validate"], ["build", "--doc", "handbook", "-q"]):
        result = run(*args)
        assert result.exit_code == 1, result.output
        said = next(s for s in result.stderr.splitlines() if "would change" in s)
        assert said.startswith(f"assignments/{EXAMPLE_ID}/assignment.yaml:{line}:"), said
        assert f"{key} prints where the handbook 1.3 issued on 2027-06-14 would change" in said
        assert was in said and now in said, said
        assert f"(recorded at assignments/{EXAMPLE_ID}/issued.yaml:6:5)" in said
        assert f"dated change after 2027-06-14: `execution.changes[]` with `amends: " \
               f"{{{amends}: ...}}`" in said
    assert not (example.root / "build" / EXAMPLE_ID / "handbook.docx").exists()


def test_an_included_text_is_named_at_its_line_and_history_is_put_back(
        example: ExampleProject) -> None:
    """The words changed in `analyse.md` stand at their line there; a change's `why` is what
    happened, so no dated change is offered, only putting it back."""
    issue("handbook")
    analysis = example.folder / "analyse.md"
    text = analysis.read_text(encoding="utf-8")
    line = next(n for n, s in enumerate(text.splitlines(), 1) if "veertien interviews" in s)
    analysis.write_text(text.replace("veertien interviews", "vijftien interviews"),
                        encoding="utf-8")
    said = run("validate").stderr
    assert f"assignments/{EXAMPLE_ID}/analyse.md:{line}: analysis.summary prints where the " \
        "handbook 1.3 issued on 2027-06-14 would change" in said, said
    assert "steunt op veertien interviews" in said and "steunt op vijftien interviews" in said
    analysis.write_text(text, encoding="utf-8")
    example.edit("why: Late levering van de scanners", "why: Late levering door de leverancier")
    said = run("validate").stderr
    assert f"assignment.yaml:{example.line_of('why: Late levering')}:7: " \
        "execution.changes[0].why prints where" in said, said
    assert said.rstrip().endswith("1 of 1 assignments have errors")
    assert "(an issued document never changes: put back what it was issued with)\n" in said


def test_the_same_edit_as_a_dated_change_after_the_issue_is_accepted(
        example: ExampleProject) -> None:
    issue("handbook")
    example.edit(W2, W2 + W3)
    assert run("validate").exit_code == 0
    built = run("build", "--doc", "handbook", "-q")
    assert built.exit_code == 0, built.output
    text = canonical_text((example.root / "build" / EXAMPLE_ID / "handbook.docx").read_bytes())
    assert "Versie 1.4 · 18 juni 2027" in text  # the new version carries the change
    assert any("≤ 1,2 %" in line and line.startswith("D1 |") for line in text)
    # dated on the issue's date, the change rewrites what was sent: refused
    example.edit("      date: 2027-06-18", "      date: 2027-06-14")
    refused = run("validate")
    assert refused.exit_code == 1 and "handbook 1.3 issued on 2027-06-14 would change" in \
        refused.stderr


def test_issuing_again_records_the_newer_version_and_keeps_the_older(
        example: ExampleProject) -> None:
    original = example.text
    example.write(original.replace(W1, "").replace(W2, "").replace(
        "  changes:                       # adjustments", "  changes: []  # adjustments"))
    assert "issued handbook 1.1 of 2027-02-01" in issue("handbook").output
    example.write(original)
    assert "issued handbook 1.3 of 2027-06-14" in issue("handbook").output
    assert [(r["version"], r["date"]) for r in records(example)] == [
        ("1.1", datetime.date(2027, 2, 1)), ("1.3", datetime.date(2027, 6, 14))]
    before = (example.folder / "issued.yaml").read_bytes()
    assert "was issued already; nothing recorded" in issue("handbook").output
    assert (example.folder / "issued.yaml").read_bytes() == before
    assert run("validate").exit_code == 0  # 1.1 as of 1 February: as it was issued
    # a value edited in place rewrites 1.1 and 1.3: each is refused
    example.edit(TARGET, 'target: "≤ 1 %"')
    refused = run("validate").stderr
    assert "handbook 1.1 issued on 2027-02-01 would change" in refused
    assert "handbook 1.3 issued on 2027-06-14 would change" in refused


def test_issue_refuses_while_an_issued_version_would_change(example: ExampleProject) -> None:
    issue("progress-2027-02-19")
    example.edit("        M2: at_risk", "        M2: late")
    said = run("issue", EXAMPLE_ID, "progress-2027-02-19")
    assert said.exit_code == 1
    assert "progress-2027-02-19 1.0 issued on 2027-02-19 would change" in said.output
    assert len(records(example)) == 1


def test_a_version_already_issued_with_other_content_is_not_recorded_again(
        example: ExampleProject) -> None:
    """The proposal 1.0 re-dated in place: as of its issue date it still reads as sent (so
    validate passes), but the sources now give another 1.0: that needs a new version."""
    issue("proposal")
    example.edit("proposal: {version: \"1.0\", date: 2026-11-27}",
                 "proposal: {version: \"1.0\", date: 2026-12-04}")
    assert run("validate").exit_code == 0
    said = run("issue", EXAMPLE_ID, "proposal")
    assert said.exit_code == 1
    assert "issued.yaml:6:5: proposal 1.0 issued on 2026-11-27; the sources now render 1.0 " \
        "dated 2026-12-04 with other content, and an issued version never changes (put back " \
        "its date, 2026-11-27, or give the revised document a version of its own)" in said.output
    assert len(records(example)) == 1


def test_redline_from_issued_takes_the_last_issued_version(example: ExampleProject) -> None:
    never = run("redline", EXAMPLE_ID, "handbook", "--from", "issued", "-o", "r.docx")
    assert never.exit_code == 1
    assert "handbook was never issued (record it with `interim issue" in never.output
    issue("handbook")
    example.edit(W2, W2 + W3)
    result = run("redline", EXAMPLE_ID, "handbook", "--from", "issued", "-o", "r.docx")
    assert result.exit_code == 0, result.output
    red = (example.root / "r.docx").read_bytes()
    assert tracked(red)
    loaded = load_assignment(example.folder)
    older = builder(example).document(loaded, "handbook", as_of=datetime.date(2027, 6, 14))
    newer = builder(example).document(loaded, "handbook")
    assert stories_text(resolve(red, accept=False)) == plain(older)
    assert stories_text(resolve(red, accept=True)) == plain(newer)


def test_a_text_read_once_is_not_written_again_and_a_damaged_entry_is_ignored(
        example: ExampleProject, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """validate renders each issued version's Markdown; the .docx (most of the time) only
    when that Markdown was never read before. The cache never hides a change."""
    written = []
    convert = Converter.convert

    def counted(self: Converter, *args, **kwargs) -> bytes:
        written.append(1)
        return convert(self, *args, **kwargs)

    monkeypatch.setattr(Converter, "convert", counted)
    issue("handbook")
    assert run("validate").exit_code == 0
    (entry,) = cache.glob("interim-docs/issued-*/*")
    written.clear()
    assert run("validate").exit_code == 0
    assert written == []
    entry.write_text("sha256:" + "0" * 64)  # not what the record says: read again
    assert run("validate").exit_code == 0
    assert written == [1] and entry.read_text() == records(example)[0]["digest"]
    entry.write_bytes(b"\xff garbage")
    assert run("validate").exit_code == 0
    example.edit(TARGET, 'target: "≤ 1,2 %"')
    assert run("validate").exit_code == 1


def test_a_firm_that_moves_changes_no_issued_document(example: ExampleProject) -> None:
    (example.root / "firm.yaml").write_text("name: Acme Interim BV\naddress: Kerkstraat 1, "
                                            "9000 Gent\n", encoding="utf-8")
    issue("proposal")
    (example.root / "firm.yaml").write_text("name: Acme Interim NV\naddress: Markt 7, "
                                            "8000 Brugge\n", encoding="utf-8")
    assert run("validate").exit_code == 0


def test_a_record_edited_by_hand_is_refused_at_its_line(example: ExampleProject) -> None:
    issue("proposal")
    path = example.folder / "issued.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("digest: sha256:", "digest: md5:"), encoding="utf-8")
    result = run("validate")
    assert result.exit_code == 1
    line = text.splitlines().index(next(s for s in text.splitlines() if "digest:" in s)) + 1
    assert f"issued.yaml:{line}:" in result.stderr and "is not a valid digest" in result.stderr


def test_the_text_is_written_only_inside_the_assignment_folder(
        example: ExampleProject, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A version (MAJOR.MINOR by rule, but text to the file name) names no path; `issued/`
    linked elsewhere is refused, nothing written there."""
    assert text_name("proposal", "1.0/../../x") == "issued/proposal-1.0-..-..-x.txt"
    issue("proposal")
    assert [p.name for p in (example.folder / "issued").iterdir()] == ["proposal-1.0.txt"]
    outside = tmp_path_factory.mktemp("outside")
    (example.folder / "issued" / "proposal-1.0.txt").unlink()
    (example.folder / "issued").rmdir()
    (example.folder / "issued").symlink_to(outside)
    refused = run("issue", EXAMPLE_ID, "handbook")
    assert refused.exit_code == 1 and "issued is a link" in refused.output, refused.output
    assert list(outside.iterdir()) == [] and len(records(example)) == 1


# --------------------------------------------------------------------------- canonical text

def _document_xml(data: bytes, edit) -> bytes:
    """The .docx with its body edited by `edit(root)`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "word/document.xml":
                root = etree.fromstring(content)
                edit(root)
                content = etree.tostring(root)
            target.writestr(info, content)
    return out.getvalue()


def test_layout_changes_keep_the_canonical_text(example: ExampleProject) -> None:
    """Styles, page numbers in the contents, spaces that do not break: not the text."""
    data = builder(example).document(load_assignment(example.folder), "handbook")
    lines = canonical_text(data)

    def restyle(root: etree._Element) -> None:
        for style in root.iter(w("pStyle")):
            style.set(w("val"), "BodyText")
        for t in root.iter(w("t")):
            if t.text and " " in t.text:
                t.text = t.text.replace(" ", "\u00a0 ", 1)

    anchors = {a: 7 for a in etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(
        "word/document.xml")).xpath("//@w:anchor", namespaces={"w": w("")[1:-1]})}
    assert anchors, "the handbook has a contents page"
    for variant in (fill_pages(data, anchors), _document_xml(data, restyle)):
        assert variant != data
        assert canonical_text(variant) == lines
    assert "Inhoud" in lines and not any(line.endswith(" 7") for line in lines)

    def reword(root: etree._Element) -> None:
        t = next(t for t in root.iter(w("t")) if t.text and "hal A" in t.text)
        t.text = t.text.replace("hal A", "hal B")

    assert digest(canonical_text(_document_xml(data, reword))) != digest(lines)
    # the firm's details stand as their keys: a firm that moves changes no issued text
    assert "Opgesteld door: {firm.name}" in text_of(data, builder(example), "nl")
    assert text_of(data, builder(example), "nl") == [
        line.replace("Interim Management", "{firm.name}") for line in lines]


def test_make_issue_needs_its_variables_and_passes_them_on() -> None:
    usage = subprocess.run(["make", "-s", "-o", ".venv/.installed", "issue"], cwd=ROOT,
                           env=make_env(), capture_output=True, text=True)
    assert usage.returncode != 0 and "usage: make issue ASSIGNMENT=" in usage.stderr
    dry = subprocess.run(["make", "-n", "-o", ".venv/.installed", "issue",
                          f"ASSIGNMENT={EXAMPLE_ID}", "DOC=progress-2027-02-19"],
                         cwd=ROOT, env=make_env(), capture_output=True, text=True)
    assert dry.returncode == 0, dry.stderr
    assert f"issue '{EXAMPLE_ID}' 'progress-2027-02-19'" in dry.stdout
