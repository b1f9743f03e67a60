"""A client's changes in the header and footer, and in what firm.yaml says: never dropped.

The header prints the document's title and the client's name, the footer the version,
date, page numbers and the firm's footer line; the body prints the firm's name, address
and signatory. An edit there is reported at its source (the assignment's key, or
firm.yaml's line and key, left to the firm), or as generated wording; a page number Word
refreshed on its own is no edit.
"""

from __future__ import annotations

import re
import shutil

import pytest
from example_project import REPO, ExampleProject
from review_reading import at, changed_lines, item_line, line_numbers
from word_review import WordEdits, w

from generator.delivery.build import Builder
from generator.delivery.planning import named_job
from generator.delivery.review import review
from generator.source.project import load_assignment, load_firm

HEADER, FOOTER = "word/header1.xml", "word/footer1.xml"


@pytest.fixture
def firm(example: ExampleProject) -> ExampleProject:
    """The example with the project's firm (its footer, address, signatory, brand)."""
    shutil.copy(REPO / "firm.yaml", example.root)
    shutil.copytree(REPO / "templates", example.root / "templates")
    return example


def firm_at(example: ExampleProject, needle: str, inside: str, key: str) -> str:
    lines = (example.root / "firm.yaml").read_text(encoding="utf-8").splitlines()
    number = next(n for n, line in enumerate(lines, 1) if inside in line and needle in line)
    return f"firm.yaml:{number}:{lines[number - 1].index(needle) + 1} {key}"


def returned(example: ExampleProject) -> bytes:
    builder = Builder(load_firm(example.root), root=example.root)
    e = WordEdits(builder.docx(named_job(load_assignment(example.folder), "handbook")))
    e.replace("Opdrachthandboek", "Distributie NV", "Distributie BV", part=HEADER)
    e.untracked("Opdrachthandboek", "Vertrouwelijk", "Strikt vertrouwelijk", part=HEADER)
    e.replace("www.coverton.example", "www.coverton.example", "www.coverton.be", part=FOOTER)
    e.replace("Opgesteld door", "1120", "1122")
    e.replace("Katrien Verbeke (Managing", "Verbeke", "Verbeke-Peeters")
    footer = e.roots[FOOTER]  # Word refreshed the page fields' results: "pagina 7 van 9"
    results = [t for t in footer.iter(w("t")) if t.text == "1"]
    assert len(results) == 2
    results[0].text, results[1].text = "7", "9"
    return e.save()


def test_header_footer_and_firm_values_are_reported_at_their_source(
        firm: ExampleProject) -> None:
    example = firm
    (example.root / "returned.docx").write_bytes(returned(example))
    firm_before = (example.root / "firm.yaml").read_text(encoding="utf-8")
    yaml_before = example.text
    client = at(example, "Distributie", "name: De Linde Distributie NV", "client.name")
    changed = line_numbers(example, "name: De Linde Distributie NV")
    footer = firm_at(example, "www.coverton.example", "  nl: Coverton", "footer.nl")
    address = firm_at(example, "1120", "address:", "address")
    signatory = firm_at(example, "Verbeke", "signatory:", "signatory.name")
    done = review(example.root, example.folder.name, example.root / "returned.docx", apply=True)
    lines = done.lines()
    line, under = item_line(lines, "“Distributie NV” -> “Distributie BV”")
    assert "[applied]" in line and under == [f"at {client}"], (line, under)
    for change, source in (("“www.coverton.example” -> “www.coverton.be”", footer),
                           ("“1120” -> “1122”", address),
                           ("“Verbeke” -> “Verbeke-Peeters”", signatory)):
        line, under = item_line(lines, change)
        assert "a value of firm.yaml, printed in every client's documents" in line, line
        assert under == [f"at {source}"], (line, under)
    line, under = item_line(lines, "“Vertrouwelijk” -> “Strikt vertrouwelijk”")
    assert "untracked edit" in line and "generated wording" in line, line
    assert under == ["at generated: the header (brand template, document properties)"]
    assert len([n for n in lines if re.match(r"\d+\. ", n)]) == 5  # no page number
    kept = done.report.read_text(encoding="utf-8")
    assert "in the header “Opdrachthandboek — De Linde" in kept
    assert "in the footer “Coverton Interim Management BV · BTW" in kept
    assert (example.root / "firm.yaml").read_text(encoding="utf-8") == firm_before
    assert changed_lines(yaml_before, example.text) == changed
