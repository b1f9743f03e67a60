"""Issue 24, item 1 and the brand template's medium items, through the command a user runs:
a hostile brand template gives clean documents and one warning at firm.yaml's line; a
broken one fails validate exactly where it fails build; and the byte check: no .docx the
generator writes, of any assignment or with any brand template of the tests, holds a
field outside the allow-list, a mail merge, an attached template, an external link other
than http(s)/mailto/tel, or a template or macro content type.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from brand_templates import (
    HOSTILE,
    REFERENCE,
    active_content,
    all_hostile,
    pandoc_reference,
    template_with,
)
from docx_reading import EPOCH, ROOT, build_loaded, source_date_epoch
from example_project import EXAMPLE_ID, ExampleProject, copy_example

from generator.source.project import load_assignment
from generator.writer.converter import Converter, DocumentMeta
from tests.test_hardening import firm_line, interim, project, said_at, xml_of  # noqa: F401

FIXTURE = (ROOT / "tests" / "writer" / "fixtures" / "everything.md").read_text(encoding="utf-8")
DROPPED = "dropped from the brand template"


def _brand(example: ExampleProject, *edits: Callable[[dict[str, bytes]], None]) -> Path:
    """The project's brand template (firm.yaml's templates/reference.docx) made hostile."""
    return template_with(example.root / "templates" / "reference.docx", *edits)


def test_a_hostile_brand_template_gives_clean_documents_and_one_warning(
        project: ExampleProject) -> None:  # noqa: F811
    copy_example(project.root, "zz-tweede-2027").edit(f"id: {EXAMPLE_ID}", "id: zz-tweede-2027")
    _brand(project, all_hostile)
    line = firm_line(project.root, "brand_template")
    checked = interim(project.root, "validate")
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr.count(DROPPED) == 1, checked.stderr
    said = said_at(checked.stderr, project.root / "firm.yaml", line, "warning: " + DROPPED,
                   "field DDEAUTO", "w:mailMerge", "w:attachedTemplate", "vbaProject")
    built = interim(project.root, "build", "--out", "out")
    assert built.returncode == 0, built.stderr
    assert built.stderr.count(DROPPED) == 1, built.stderr  # one run, many documents: once
    assert said in built.stderr
    documents = sorted((project.root / "out").rglob("*.docx"))
    assert len(documents) >= 10
    for path in documents:
        assert active_content(path.read_bytes()) == [], path.name
    xml = xml_of(project.root / "out")
    for leaked in ("SECRET-VAR", "VBA-PROJECT-MARKER", "ms-msdt", "\\\\host", "cmd.exe"):
        assert leaked not in xml, leaked


BROKEN = {
    "abstract-num-id": ("word/numbering.xml", b'w:abstractNumId="0"', b'w:abstractNumId="x"',
                        "part word/numbering.xml: a list definition has abstractNumId='x'"),
    "page-width": ("word/document.xml", b'w:w="11906"', b'w:w="abc"',
                   "the page setup's w:pgSz w:w='abc' is not a measure"),
    "margin": ("word/document.xml", b'w:left="1418"', b'w:left="2.5 centimetre"',
               "the page setup's w:pgMar w:left='2.5 centimetre' is not a measure"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_brand_template_fails_validate_where_build_fails(
        project: ExampleProject, case: str) -> None:  # noqa: F811
    part, old, new, message = BROKEN[case]
    _brand(project, lambda parts: parts.update({part: parts[part].replace(old, new, 1)}))
    line = firm_line(project.root, "brand_template")
    for args in (("validate",), ("build", EXAMPLE_ID, "--out", "out")):
        done = interim(project.root, *args)  # no traceback, no internal error
        assert done.returncode == 1, (args, done.stderr)
        said_at(done.stderr, project.root / "firm.yaml", line,
                "brand template templates/reference.docx", message)
    assert not (project.root / "out").exists() or not list((project.root / "out").rglob("*.docx"))


def test_a_margin_in_centimetres_validates_and_builds(project: ExampleProject) -> None:  # noqa: F811
    _brand(project, lambda parts: parts.update({"word/document.xml": parts[
        "word/document.xml"].replace(b'w:left="1418"', b'w:left="2.5cm"', 1)}))
    assert interim(project.root, "validate").returncode == 0
    built = interim(project.root, "build", EXAMPLE_ID, "--doc", "proposal", "--out", "out")
    assert built.returncode == 0, built.stderr
    import docx

    section = docx.Document(str(project.root / "out" / EXAMPLE_ID / "proposal.docx")).sections[0]
    assert section.left_margin.twips == 1417


def test_convert_refuses_a_title_holding_a_control_character(tmp_path: Path) -> None:
    (tmp_path / "note.md").write_text("# Note\n\nText.\n", encoding="utf-8")
    done = interim(tmp_path, "convert", "note.md", "-o", "note.docx", "--title", "Plan\x01B")
    assert done.returncode == 1
    assert done.stderr.strip() == ("--title holds the control character U+0001, which a Word "
                                   "document may not hold (remove it from the title)")
    assert not (tmp_path / "note.docx").exists()


# ------------------------------------------------------------------------- the byte check

@pytest.mark.parametrize("assignment", sorted(p.name for p in (ROOT / "assignments").iterdir()
                                              if (p / "assignment.yaml").is_file()))
def test_no_document_of_any_assignment_holds_active_content(
        tmp_path: Path, assignment: str) -> None:
    with source_date_epoch(EPOCH):  # every document, those the phase allows not yet too
        written = build_loaded(load_assignment(ROOT / "assignments" / assignment), tmp_path,
                               draft=True)
    assert {"proposal.docx", "action-plan.docx", "handbook.docx"} <= set(written)
    for name, path in written.items():
        assert active_content(path.read_bytes()) == [], name


def _test_templates(folder: Path) -> dict[str, Path]:
    """Every brand template the tests use: ours, pandoc's, and each hostile one."""
    templates = {"ours": REFERENCE, "all-hostile": template_with(folder / "all.docx",
                                                                 all_hostile)}
    templates |= {name: template_with(folder / f"{name}.docx", edit)
                  for name, edit in HOSTILE.items()}
    pandoc = pandoc_reference(folder / "pandoc.docx")
    if pandoc is not None:
        templates["pandoc"] = pandoc
    return templates


def test_no_document_written_with_any_brand_template_of_the_tests_holds_active_content(
        tmp_path: Path) -> None:
    templates = _test_templates(tmp_path)
    assert len(templates) >= len(HOSTILE) + 2
    meta = DocumentMeta(title="Plan", status_label="CONCEPT", client="ACME")
    for name, path in templates.items():
        data = Converter(path).convert(FIXTURE, meta, base_dir=ROOT / "tests" / "writer"
                                       / "fixtures")
        assert active_content(data) == [], name


def test_pandocs_reference_docx_loses_nothing_worth_a_warning(tmp_path: Path) -> None:
    pandoc = pandoc_reference(tmp_path / "pandoc.docx")
    if pandoc is None:
        pytest.skip("pandoc is not installed")
    from generator.writer import brand

    assert not brand.load(pandoc).dropped.found
    assert not brand.load(shutil.copy(REFERENCE, tmp_path / "ours.docx")).dropped.found
