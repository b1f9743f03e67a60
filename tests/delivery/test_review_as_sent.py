"""A returned copy of an older version, reviewed after the sources moved on.

The handbook 1.1 goes to the client; the firm then corrects a title in place, adds lines
above the plan and lets a dated change amend another title. The returned 1.1 copy is
mapped against 1.1 rendered from the sources as sent (the commit its properties name):
each item is said at its line of today, what changed since is left open saying so, and
--apply writes only the values that read today as the client read them.
"""

from __future__ import annotations

import datetime
import subprocess
from pathlib import Path

import pytest
from example_project import ExampleProject
from review_reading import at, changed_lines, item_line, line_numbers
from word_review import WordEdits

from generator.delivery.build import Builder
from generator.delivery.review import review
from generator.source.project import load_assignment, load_firm

VERSION_1_1 = datetime.date(2027, 2, 1)


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=t@example.invalid",
                    "-c", "commit.gpgsign=false", *args], cwd=root, check=True,
                   capture_output=True)


def handbook_1_1(example: ExampleProject) -> bytes:
    builder = Builder(load_firm(example.root), root=example.root)
    return builder.document(load_assignment(example.folder), "handbook", as_of=VERSION_1_1)


def returned_1_1(example: ExampleProject) -> Path:
    """The client's 1.1: a title corrected since, one amended since, one unchanged, an
    included paragraph, and a generated word."""
    e = WordEdits(handbook_1_1(example))
    e.replace("Scannergestuurd picken in hal A", "hal A", "hal A en B")
    e.replace("Verzuimbeleid en terugkeergesprekken", "terugkeergesprekken", "gesprekken")
    e.replace("Nieuwe teamstructuur en overlegritme", "overlegritme", "vergaderritme")
    e.replace("papieren picklijsten die per ploeg", "per ploeg", "per shift")
    e.replace("geen controle bij het laden", "het laden", "laden en lossen")
    returned = example.root / "returned.docx"
    returned.write_bytes(e.save())
    return returned


def move_on(example: ExampleProject) -> None:
    """After 1.1 was sent: M2's title corrected in place, two lines added above the plan,
    a paragraph of the include reworded, M3's title amended by the dated change W1 (after
    1.1's date)."""
    example.edit("title: Scannergestuurd picken in hal A\n",
                 "title: Scannergestuurd picken in hal A-Noord\n")
    example.edit("  milestones:\n    - id: M1\n",
                 "  # the plan's milestones\n  # (ids never change)\n"
                 "  milestones:\n    - id: M1\n")
    include = example.folder / "analyse.md"
    include.write_text(include.read_text(encoding="utf-8").replace(
        "2. geen controle bij het laden;", "2. geen controle bij het laden van de wagens;"),
        encoding="utf-8")
    example.edit("        milestones.M2.due: 2027-03-26\n",
                 "        milestones.M2.due: 2027-03-26\n"
                 "        milestones.M3.title: Verzuimbeleid ingevoerd\n")


@pytest.fixture
def repository(example: ExampleProject) -> ExampleProject:
    _git(example.root, "init", "-q")
    _git(example.root, "add", "-A")
    _git(example.root, "commit", "-q", "-m", "the example")
    return example


def test_a_returned_1_1_is_mapped_against_the_sources_as_sent(
        repository: ExampleProject) -> None:
    example = repository
    returned = returned_1_1(example)  # made from the commit: its properties name it
    move_on(example)
    _git(example.root, "commit", "-q", "-am", "M2 corrected, a cause reworded, M3 amended")
    before_yaml = example.text
    before_md = (example.folder / "analyse.md").read_text(encoding="utf-8")
    m1 = at(example, "overlegritme", "title: Nieuwe teamstructuur",
            "analysis.milestones.M1.title")
    include = at(example, "per ploeg", "per ploeg", "analysis.summary (include, lines 6-6)",
                 "analyse.md")
    m2 = at(example, "Scannergestuurd", "title: Scannergestuurd", "analysis.milestones.M2.title")
    m3 = at(example, "terugkeergesprekken", "title: Verzuimbeleid",
            "analysis.milestones.M3.title")
    changed = line_numbers(example, "title: Nieuwe teamstructuur")
    done = review(example.root, example.folder.name, returned, apply=True)
    lines = done.lines()
    assert "handbook version 1.1" in lines[0] and "sources as sent (commit" in lines[0]
    # unchanged since: placed at their line of today (two lines lower) and applied
    line, under = item_line(lines, "“overlegritme” -> “vergaderritme”")
    assert "[applied]" in line, line
    assert under == [f"at {m1}"]
    line, under = item_line(lines, "“per ploeg” -> “per shift”")
    assert "[applied]" in line and under == [f"at {include}"]
    # corrected in place since: open, saying what it read and reads now, at today's line
    line, under = item_line(lines, "“hal A” -> “hal A en B”")
    assert "[applied]" not in line
    assert ("changed since the file was made (it read “Scannergestuurd picken in hal A”, "
            "now “Scannergestuurd picken in hal A-Noord”)") in line, line
    assert under == [f"at {m2}"]
    # amended by a dated change after 1.1: open, naming the change
    line, under = item_line(lines, "“terugkeergesprekken” -> “gesprekken”")
    assert "change W1 of 2027-02-19 amends this value" in line, line
    assert under == [f"at {m3}"]
    line, _ = item_line(lines, "“het laden” -> “laden en lossen”")
    assert "the included text changed since the file was made" in line, line
    # --apply changed exactly the lines of the two safe values
    assert changed_lines(before_yaml, example.text) == changed
    after_md = (example.folder / "analyse.md").read_text(encoding="utf-8")
    assert changed_lines(before_md, after_md) == {6} and "per shift" in after_md
    assert "title: Scannergestuurd picken in hal A-Noord\n" in example.text


def test_without_the_sources_as_sent_what_reads_otherwise_stays_open(
        example: ExampleProject) -> None:
    """No git: 1.1 can only be rendered from today's sources. An item in a paragraph that
    reads otherwise today is left open (the client's or the firm's change: nobody can say);
    one in a paragraph that reads as sent is applied."""
    returned = returned_1_1(example)
    example.edit("title: Scannergestuurd picken in hal A\n",
                 "title: Scannergestuurd picken in hal A-Noord\n")
    done = review(example.root, example.folder.name, returned, apply=True)
    lines = done.lines()
    assert "no commit renders it as sent" in lines[0]
    line, _ = item_line(lines, "“hal A” -> “hal A en B”")
    assert "reads otherwise in today's sources" in line and "[applied]" not in line
    assert "[applied]" in item_line(lines, "“overlegritme” -> “vergaderritme”")[0]
    assert "title: Scannergestuurd picken in hal A-Noord\n" in example.text
    assert "title: Nieuwe teamstructuur en vergaderritme in werking\n" in example.text
