"""The documents repository: the firm, its brand files, and finding assignments."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from docx_reading import EPOCH, EXAMPLE, ROOT, Docx, source_date_epoch
from example_project import assert_located, only

from generator.delivery.build import Builder, plan
from generator.errors import SourceError
from generator.source.project import Project, load_assignment, load_firm


def firm_file(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "firm.yaml"
    path.write_text(f"name: Firma BV\nlanguage: en\n{extra}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("line", "message"), [
    ("logo: ../logo.png", "logo '../logo.png' leaves the repository"),
    ("logo: missing.png", "logo: no file 'missing.png'"),
    ("logo: firm.yaml", "is not a PNG or JPEG picture"),
    ("brand_template: brand/none.docx", "brand_template: no file 'brand/none.docx'"),
    ("templates: nowhere", "templates: no folder 'nowhere'"),
])
def test_firm_paths_are_checked_at_their_line(tmp_path: Path, line: str, message: str) -> None:
    path = firm_file(tmp_path, line)
    with pytest.raises(SourceError) as info:
        load_firm(tmp_path)
    assert_located(only(info.value.diagnostics, message), path, 3)


def test_firm_without_file_is_neutral_with_a_warning(tmp_path: Path) -> None:
    warnings = []
    firm = load_firm(tmp_path, warn=warnings.append)
    assert firm.name and warnings and "no firm.yaml" in warnings[0].message


def test_the_logo_is_on_every_cover(tmp_path: Path) -> None:
    shutil.copy(ROOT / "templates" / "coverton-logo.png", tmp_path / "logo.png")
    firm_file(tmp_path, "logo: logo.png")
    builder = Builder(load_firm(tmp_path), root=tmp_path)
    loaded = load_assignment(ROOT / "assignments" / EXAMPLE)
    with source_date_epoch(EPOCH):
        for job in plan(loaded, ("proposal", "handbook")).jobs:
            written = builder.write(job, tmp_path / "build")
            first = next(Docx(written).body.iter(f"{{{W}}}p"))
            assert first.xpath(".//wp:docPr/@descr", namespaces=NS_WP) == ["Firma BV"]


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS_WP = {"wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"}


def test_project_finds_assignments_from_a_subfolder(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "assignments" / EXAMPLE, tmp_path / "assignments" / EXAMPLE)
    monkeypatch.chdir(tmp_path / "assignments" / EXAMPLE)
    project = Project.find()
    assert project.root == tmp_path.resolve()
    assert project.assignment_ids() == [EXAMPLE]


def test_build_uses_the_firm_of_the_repository(tmp_path: Path) -> None:
    firm_file(tmp_path, "")
    builder = Builder(load_firm(tmp_path), root=tmp_path)
    job = plan(load_assignment(ROOT / "assignments" / EXAMPLE), ("proposal",)).jobs[0]
    markdown, meta, _ = builder.markdown(job)
    assert meta.company == "Firma BV" and "Firma BV" in markdown
