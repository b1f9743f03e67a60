"""`interim review`: a client's returned handbook, each change and comment at its source line.

Returned copies are made the way clients make them: by editing the XML as Word
writes it (tests/word_review.py: runs split, rsids, proofErr, a bookmark inside a
word, comments with a reply in commentsExtended.xml) and by LibreOffice itself
(tests/libreoffice_review.py). The round trip: every item at its file:line:col and
key path; --apply changes exactly those lines; what is not applied says why; the
rebuilt handbook reads as the returned copy with its applied changes accepted.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from example_project import EXAMPLE, ExampleProject
from libreoffice_review import edit_in_libreoffice
from redline_reading import paragraph_text, resolve, w
from review_reading import at, changed_lines, item_line, line_numbers
from word_review import WordEdits

from generator.cli import main
from generator.delivery.build import Builder
from generator.delivery.pdf import find_soffice
from generator.delivery.planning import named_job
from generator.delivery.review import review
from generator.delivery.review.returned import read_returned
from generator.source.project import load_assignment, load_firm

NBSP = "\u00a0"


def handbook(example: ExampleProject) -> bytes:
    builder = Builder(load_firm(example.root), root=example.root)
    return builder.docx(named_job(load_assignment(example.folder), "handbook"))


def accepted_paragraphs(data: bytes) -> list[str]:
    """The body as the client reads it with every change accepted."""
    body = resolve(data, accept=True)["word/document.xml"]
    return [paragraph_text(p).replace(NBSP, " ") for p in body.iter(w("p"))]


def word_returned(example: ExampleProject) -> bytes:
    """The client's copy as Word writes it: seven tracked edits, one untracked, comments."""
    e = WordEdits(handbook(example))
    e.replace("Herstructurering van de logistieke afdeling", "afdeling", "dienst")  # cover
    e.replace("Scannergestuurd picken in hal A", "hal A", "hal A en B")
    e.replace("Aandeel orders met een fout in de levering", "per maand", "per week")
    e.replace("papieren picklijsten die per ploeg", "per ploeg", "per shift")
    e.replace("Teamleiders hebben geen duidelijke", "geen duidelijke", "geen heldere")
    e.replace("Greet De Wit (CEO) heeft dit actieplan", "Wit (CEO", "Wit (voorzitter")
    e.replace("Formeel aanvaard door", "Formeel", "Officieel")
    e.replace(f"16{NBSP}apr{NBSP}2027", "16", "23")
    e.untracked("Verzuimpercentage magazijn", "kwartaal", "maand")
    first = e.comment("Opvolger neemt de leiding over op", "Opvolger", "Wie precies?")
    e.comment("Opvolger neemt de leiding over op", "Opvolger", "Jan Peeters, vanaf juni",
              author="Luc Vermeulen", reply_to=first)
    e.comment("Verzuimbeleid en terugkeergesprekken", "terugkeergesprekken", "Ook bij ziekte?")
    return e.save()


def test_word_review_lists_every_item_at_its_source(example: ExampleProject) -> None:
    returned = example.root / "returned.docx"
    returned.write_bytes(word_returned(example))
    done = review(example.root, example.folder.name, returned)
    lines = done.lines()
    assert "handbook version 1.3" in lines[0] and "document properties" in lines[0]
    expected = {
        "“afdeling” -> “dienst”": at(example, "afdeling", "title: Herstructurering", "title"),
        "“hal A” -> “hal A en B”": at(example, "hal A", "title: Scannergestuurd",
                                      "analysis.milestones.M2.title"),
        "“per maand” -> “per week”": at(example, "per maand", "measure: Aandeel orders",
                                        "intake.objectives.D1.measure"),
        "“per ploeg” -> “per shift”": at(example, "per ploeg", "per ploeg",
                                         "analysis.summary (include, lines 6-6)", "analyse.md"),
        "“geen duidelijke” -> “geen heldere”": at(example, "geen duidelijke", "Teamleiders heb",
                                                  "analysis.findings[1].finding"),
        "“kwartaal” -> “maand”": at(example, "kwartaal", "Verzuimpercentage",
                                    "intake.objectives.D2.measure"),
    }
    for change, source in expected.items():
        line, under = item_line(lines, change)
        assert "applies with --apply" in line, line
        assert under == [f"at {source}"], (line, under)
    line, under = item_line(lines, "“Wit (CEO” -> “Wit (voorzitter”")
    assert "crosses two values" in line
    assert under == [f"at {at(example, 'Wit', 'name: Greet De Wit', 'people.gdewit.name')}",
                     f"at {at(example, 'CEO', 'role: CEO', 'people.gdewit.role')}"]
    line, under = item_line(lines, "“Formeel” -> “Officieel”")
    assert "generated wording" in line and under == ["at generated: template handbook.md.j2"]
    line, under = item_line(lines, "“16” -> “23”")
    assert "a computed value (a date" in line
    due = at(example, "2027-04-16", "due: 2027-04-16", "analysis.milestones.M3.due")
    assert under == [f"at {due}"]
    line, under = item_line(lines, "“Wie precies?”")
    assert "comment by Greet De Wit" in line and "on “Opvolger”" in line
    target = at(example, "Opvolger", "target: Opvolger", "intake.objectives.D3.target")
    assert under == [f"at {target}", "reply Luc Vermeulen: Jan Peeters, vanaf juni"]
    line, under = item_line(lines, "“Ook bij ziekte?”")
    m3 = at(example, "terugkeergesprekken", "title: Verzuimbeleid",
            "analysis.milestones.M3.title")
    assert under == [f"at {m3}"]
    assert len([n for n in lines if re.match(r"\d+\. ", n)]) == 11  # replies are no items
    kept = done.report.read_text(encoding="utf-8")
    assert done.report.name == "2027-02-24-handbook.md"
    assert "0 applied, 11 open" in kept and "why open: crosses two values" in kept


def test_apply_changes_exactly_the_lines_of_those_values(example: ExampleProject) -> None:
    returned = example.root / "returned.docx"
    data = word_returned(example)
    returned.write_bytes(data)
    yaml_before = example.text
    include_before = (example.folder / "analyse.md").read_text(encoding="utf-8")
    done = review(example.root, example.folder.name, returned, apply=True)
    assert changed_lines(yaml_before, example.text) == line_numbers(
        example, "title: Herstructurering", "title: Scannergestuurd", "measure: Aandeel orders",
        "Teamleiders hebben", "Verzuimpercentage")
    assert changed_lines(include_before, (example.folder / "analyse.md").read_text()) == {6}
    assert "title: Scannergestuurd picken in hal A en B\n" in example.text
    assert "\ntitle: Herstructurering van de logistieke dienst\n" in example.text
    applied = [i for i in done.items if i.status == "applied"]
    assert len(applied) == 6
    reasons = sorted(i.reason.split(":")[0] for i in done.items if i.status != "applied")
    assert reasons == ["a comment", "a comment", "a computed value (a date, printed by the "
                       "generator)", "crosses two values", "generated wording"]
    kept = done.report.read_text(encoding="utf-8")
    assert "6 applied, 5 open" in kept and "## Applied" in kept
    assert "no `reviews:` entry: the format records the action plan's discussion" in kept
    # rebuilt, the handbook reads as the returned copy with its changes accepted, except
    # where a change was left open
    # (or where a value the client changed in one place is printed in another too)
    rebuilt = [re.sub(r"[\n\t]", "", b.text.replace(NBSP, " "))
               for b in read_returned(handbook(example)).blocks if not b.story]
    accepted = accepted_paragraphs(data)
    differing = [(a, b) for a, b in zip(accepted, rebuilt, strict=True) if a != b]
    opened = ("Officieel", "voorzitter", "23 apr 2027")
    for open_change in opened:
        assert any(open_change in a for a, _ in differing), (open_change, differing)
    for a, b in differing:
        assert any(x in a for x in opened) or any(i.after in b for i in applied), (a, b)
    assert len(differing) == 4  # the title stands on the cover and in the control block


def test_a_value_that_would_not_read_back_stays_open(example: ExampleProject) -> None:
    e = WordEdits(handbook(example))
    e.replace("Scannergestuurd picken in hal A", "hal A", "hal A en B")
    e.replace("Nieuwe teamstructuur en overlegritme", "Nieuwe teamstructuur en overlegritme "
              "in werking", "")  # `title: ` would read as no title at all
    returned = example.root / "returned.docx"
    returned.write_bytes(e.save())
    done = review(example.root, example.folder.name, returned, apply=True)
    emptied = next(i for i in done.items if "Nieuwe" in i.before)
    assert emptied.status == "open" and "would not read back" in emptied.reason
    assert "title: Nieuwe teamstructuur en overlegritme in werking\n" in example.text
    assert "title: Scannergestuurd picken in hal A en B\n" in example.text


def test_nothing_is_written_when_the_sources_would_not_validate(
        example: ExampleProject) -> None:
    e = WordEdits(handbook(example))
    e.replace("Scannergestuurd picken in hal A", "hal A", "hal A en B")
    e.replace("Aandeel orders met een fout in de levering", "per maand",
              "[zie](file:///etc/passwd)")  # a link the format refuses
    returned = example.root / "returned.docx"
    returned.write_bytes(e.save())
    before = example.text
    done = review(example.root, example.folder.name, returned, apply=True)
    assert example.text == before
    assert done.written == []
    for item in done.items:
        assert item.status == "open"
        assert "the sources would not validate afterwards" in item.reason
        line = example.line_of("Aandeel orders met een fout in de levering")
        assert f"assignment.yaml:{line}" in item.reason  # where the link would stand


def test_a_file_without_properties_is_matched_to_the_closest_version(
        example: ExampleProject) -> None:
    data = WordEdits(handbook(example)).save()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        kept = {n: z.read(n) for n in z.namelist() if n != "docProps/custom.xml"}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, blob in kept.items():
            z.writestr(name, blob)
    returned = example.root / "returned.docx"
    returned.write_bytes(out.getvalue())
    done = review(example.root, example.folder.name, returned, write_report=False)
    assert done.document == "handbook"
    assert "carries no document properties" in done.identified and "closest" in done.identified
    assert done.items == []


def test_a_file_of_another_assignment_is_refused(example: ExampleProject) -> None:
    other = example.root / "assignments" / "other-2027"
    shutil.copytree(example.folder, other)
    (other / "assignment.yaml").write_text(
        example.text.replace("id: dl-logistiek-2027", "id: other-2027"), encoding="utf-8")
    returned = example.root / "returned.docx"
    returned.write_bytes(handbook(example))
    result = CliRunner().invoke(main, ["review", "other-2027", str(returned)])
    assert result.exit_code == 1
    assert "made for assignment 'dl-logistiek-2027', not 'other-2027'" in result.output


def test_cli_review_and_apply(example: ExampleProject) -> None:
    e = WordEdits(handbook(example))
    e.replace("Scannergestuurd picken in hal A", "hal A", "hal A en B")
    returned = example.root / "returned.docx"
    returned.write_bytes(e.save())
    result = CliRunner().invoke(main, ["review", example.folder.name, str(returned), "--apply"])
    assert result.exit_code == 0, result.output
    m2 = at(example, "hal A en B", "title: Scannergestuurd", "analysis.milestones.M2.title")
    assert f"at {m2}" in result.output
    assert "[applied]" in result.output
    assert "changed assignments/dl-logistiek-2027/assignment.yaml" in result.output
    assert "wrote assignments/dl-logistiek-2027/reviews/2027-02-24-handbook.md" in result.output


@pytest.mark.libreoffice
@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice is not installed")
def test_libreoffice_round_trip(example: ExampleProject, tmp_path: Path) -> None:
    sent = tmp_path / "sent.docx"
    sent.write_bytes(handbook(example))
    returned = example.root / "returned.docx"
    edit_in_libreoffice(sent, returned, [
        ("C", "Opvolger neemt de leiding over op", "Wie precies?", "Greet De Wit", "c1", ""),
        ("C", "Verzuimbeleid en terugkeergesprekken", "Ook bij ziekte?", "Greet De Wit",
         "c2", ""),
        ("R", "Herstructurering van de logistieke afdeling", "afdeling", "dienst"),
        ("R", "Scannergestuurd picken in hal A", "hal A", "hal A en B"),
        ("R", "Aandeel orders met een fout in de levering, per maand", "per maand", "per week"),
        ("R", "papieren picklijsten die per ploeg", "per ploeg", "per shift"),
        ("R", "Teamleiders hebben geen duidelijke", "geen duidelijke", "geen heldere"),
        ("R", "Greet De Wit (CEO) heeft", "Wit (CEO", "Wit (voorzitter"),
        ("R", "Formeel aanvaard door", "Formeel", "Officieel"),
    ])
    # LibreOffice 7.4 cannot answer a comment through its API: the reply is added as Word
    # writes one, in commentsExtended.xml
    e = WordEdits(returned.read_bytes())
    first = e.existing_comment("Wie precies?")
    e.comment("Opvolger neemt de leiding over op", "Opvolger", "Jan Peeters",
              author="Luc Vermeulen", reply_to=first)
    returned.write_bytes(e.save())
    yaml_before = example.text
    done = review(example.root, example.folder.name, returned, apply=True)
    lines = done.lines()
    line, under = item_line(lines, "“hal A” -> “hal A en B”")
    assert "by Greet De Wit" in line and "[applied]" in line
    m2 = at(example, "hal A", "title: Scannergestuurd", "analysis.milestones.M2.title")
    assert under == [f"at {m2}"]
    line, under = item_line(lines, "“Wie precies?”")
    assert "reply Luc Vermeulen: Jan Peeters" in under
    assert "crosses two values" in item_line(lines, "voorzitter")[0]
    assert "generated wording" in item_line(lines, "Officieel")[0]
    assert changed_lines(yaml_before, example.text) == line_numbers(
        example, "title: Herstructurering", "title: Scannergestuurd", "measure: Aandeel orders",
        "Teamleiders hebben")
    assert "per shift" in (example.folder / "analyse.md").read_text(encoding="utf-8")
    # LibreOffice reads the rebuilt handbook as the returned copy with every change
    # accepted, except the lines of the changes left open (and the title's second place)
    rebuilt = tmp_path / "rebuilt.docx"
    rebuilt.write_bytes(handbook(example))
    edit_in_libreoffice(returned, tmp_path / "accepted.txt", [("A",)])
    edit_in_libreoffice(rebuilt, tmp_path / "rebuilt.txt", [])
    old = (tmp_path / "accepted.txt").read_text(encoding="utf-8-sig").splitlines()
    new = (tmp_path / "rebuilt.txt").read_text(encoding="utf-8-sig").splitlines()
    assert len(old) == len(new)
    differing = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    assert len(differing) == 3, differing
    for word in ("Officieel", "voorzitter"):
        assert any(word in a for a, _ in differing), (word, differing)
    for a, b in differing:
        assert "Officieel" in a or "voorzitter" in a or "dienst" in b, (a, b)


def test_round_trip_on_a_second_assignment_in_english(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Northwind: English, a bold phrase in its include, a list item, a cell, a heading."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "assignments" / "northwind-finance-2027"
    shutil.copytree(EXAMPLE.parent / folder.name, folder)
    shutil.copy(EXAMPLE.parent.parent / "firm.yaml", tmp_path)  # a Belgian firm: reverse charge
    shutil.copytree(EXAMPLE.parent.parent / "templates", tmp_path / "templates")
    example = ExampleProject(tmp_path, folder)
    e = WordEdits(handbook(example), author="Aoife Byrne")
    e.replace("New close calendar live for the April close", "April", "May")
    e.replace("Shorten the month-end close", "month-end", "monthly")
    e.replace("all nine finance staff", "nine", "ten")  # **nine finance staff** in the source
    e.replace("built in spreadsheets by a single person", "a single person", "two people")
    e.comment("Bring the cash forecast under control", "cash forecast", "Weekly?")
    returned = tmp_path / "returned.docx"
    returned.write_bytes(e.save())
    include = "analysis.summary (include, lines {0})"
    expected = {
        "“April” -> “May”": at(example, "April", "title: New close calendar",
                               "analysis.milestones.N2.title"),
        "“month-end” -> “monthly”": at(example, "month-end", "statement: Shorten",
                                       "intake.objectives.F1.statement"),
        "“nine” -> “ten”": at(example, "nine", "**nine finance", include.format("1-3"),
                              "analysis.md"),
        "“a single person” -> “two people”": at(example, "a single person", "a single person",
                                                include.format("7-7"), "analysis.md"),
    }
    yaml_before = example.text
    changed = line_numbers(example, "title: New close calendar", "statement: Shorten")
    done = review(tmp_path, example.folder.name, returned, apply=True)
    lines = done.lines()
    for change, source in expected.items():
        line, under = item_line(lines, change)
        assert "[applied]" in line and "by Aoife Byrne" in line, line
        assert under == [f"at {source}"], (line, under)
    assert "Weekly?" in item_line(lines, "Weekly?")[0]
    assert changed_lines(yaml_before, example.text) == changed
    analysis = (example.folder / "analysis.md").read_text(encoding="utf-8")
    assert "all **ten finance staff**" in analysis and "by two people;" in analysis


def test_applying_a_returned_action_plan_adds_its_review(example: ExampleProject) -> None:
    """Before acceptance the action plan is discussed and adjusted: `analysis.reviews`."""
    example.cut("  acceptance:                    # formal")  # and execution, closing
    builder = Builder(load_firm(example.root), root=example.root)
    sent = builder.docx(named_job(load_assignment(example.folder), "action-plan"))
    e = WordEdits(sent, date="2027-01-30T16:00:00Z")
    e.replace("Scannergestuurd picken in hal A", "hal A", "hal A en B")
    returned = example.root / "returned.docx"
    returned.write_bytes(e.save())
    before = example.text
    done = review(example.root, example.folder.name, returned, apply=True)
    assert "`analysis.reviews` has a new entry" in done.identified
    outcome = "outcome: M3 verschoven van 2027-03-26 naar 2027-04-16 op vraag van HR\n"
    expected = before.replace("title: Scannergestuurd picken in hal A\n",
                              "title: Scannergestuurd picken in hal A en B\n").replace(
        outcome, outcome + "    - date: 2027-01-30\n      with: [gdewit]\n"
                 '      outcome: "“hal A” → “hal A en B”"\n')
    assert example.text == expected
    assert done.report.name == "2027-01-30-action-plan.md"
    history = read_returned(builder.docx(named_job(load_assignment(example.folder),
                                                   "action-plan"))).blocks
    assert any("“hal A” → “hal A en B”" in b.text for b in history)  # in its version history
