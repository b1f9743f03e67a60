"""Loading sources: hostile and broken files give one clear located error, never a traceback."""

from __future__ import annotations

import random
import uuid
from pathlib import Path

import pytest
from example_project import ExampleProject, assert_located, line_of, only

from generator.errors import Report
from generator.source.reading import IncludedText, ProseMapping, load_yaml
from generator.source.safety import resolve_inside

PROSE_ITEM = "Aanwerving van de vaste logistiek directeur (wel: mee selecteren)"


def load(path: Path, include_root: Path | None = None) -> tuple[object, Report]:
    report = Report()
    source = load_yaml(path, report, include_root=include_root)
    return source, report


# --------------------------------------------------------------------------- the example

def test_example_loads_with_positions_and_include(example: ExampleProject) -> None:
    source, report = load(example.yaml, example.folder)
    assert not report.diagnostics
    assert source is not None
    assert source.data["id"] == "dl-logistiek-2027"
    loc = source.locate(("period", "start"))
    assert (loc.file, loc.line) == (example.yaml, example.line_of("start: 2027-01-11"))
    summary = source.data["analysis"]["summary"]
    assert isinstance(summary, IncludedText)
    assert summary.source == (example.folder / "analyse.md").resolve()
    assert "veertien interviews" in summary


def test_prose_item_is_read_as_text(example: ExampleProject) -> None:
    source, report = load(example.yaml, example.folder)
    assert not report.diagnostics
    item = source.data["intake"]["scope"]["out"][1]
    assert isinstance(item, ProseMapping)
    assert item.raw == PROSE_ITEM
    # The model takes the line as typed.
    assignment = example.load().assignment
    assert assignment.intake.scope.out[1] == PROSE_ITEM


def test_real_mappings_are_not_prose(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("a:\n  key: value\nb: {two words: flow}\nc:\n  - 'quoted key': x\n",
                    encoding="utf-8")
    source, report = load(path)
    assert not report.diagnostics
    assert not isinstance(source.data["a"], ProseMapping)
    assert not isinstance(source.data["b"], ProseMapping)
    assert not isinstance(source.data["c"][0], ProseMapping)


# --------------------------------------------------------------------------- broken files

@pytest.mark.parametrize("text", ["", "\n\n   \n", "# only a comment\n  # and another\n"])
def test_empty_or_comment_only_file(example: ExampleProject, text: str) -> None:
    example.write(text)
    error = only(example.errors(), "file is empty")
    assert_located(error, example.yaml, 1, "interim new")


def test_yaml_list_instead_of_mapping(example: ExampleProject) -> None:
    example.write("# a list\n- id: x\n- language: nl\n")
    error = only(example.errors(), "holds a list")
    assert_located(error, example.yaml, 2, "expected a mapping", "key: value")


def test_single_value_instead_of_mapping(example: ExampleProject) -> None:
    example.write("just some words\n")
    assert_located(only(example.errors(), "a single value"), example.yaml, 1)


def test_binary_garbage(example: ExampleProject) -> None:
    rng = random.Random(20270111)
    garbage = bytes(rng.randrange(256) for _ in range(4096)) + b"\x00\xff\xfe\x00"
    assert b"\x00" in garbage
    example.yaml.write_bytes(garbage)
    (error,) = example.errors()
    assert error.location.file == example.yaml
    assert error.location.line >= 1
    assert "not UTF-8" in error.message or "binary" in error.message
    assert "UTF-8" in error.hint


def test_nul_byte_in_otherwise_valid_utf8(example: ExampleProject) -> None:
    example.edit("title: Herstructurering", "title: Herstruc\x00turering")
    (error,) = example.errors()
    assert_located(error, example.yaml, example.line_of("title: Herstruc"), "NUL", "UTF-8")


def test_latin1_text_is_located(example: ExampleProject) -> None:
    raw = example.yaml.read_bytes()
    edited = raw.replace(b"title: Herstructurering", "title: Réorganisation".encode("latin-1"))
    assert edited != raw
    example.yaml.write_bytes(edited)
    (error,) = example.errors()
    line = line_of(raw.decode("utf-8"), "title: Herstructurering")
    assert_located(error, example.yaml, line,
                   "not UTF-8", "save it as UTF-8")


def test_utf8_bom_is_accepted(example: ExampleProject) -> None:
    example.yaml.write_bytes(b"\xef\xbb\xbf" + example.yaml.read_bytes())
    assert example.load().assignment.id == "dl-logistiek-2027"


def test_an_open_bracket_is_reported_where_it_opens(example: ExampleProject) -> None:
    example.edit("  title: Interim Logistiek Directeur", "  title: [Interim Logistiek")
    (error,) = example.errors()
    line = example.line_of("title: [Interim")
    assert_located(error, example.yaml, line, f"the [ list opened at {line}:10",
                   "YAML stopped at", "close it on its line")
    assert error.message.startswith("invalid YAML")


def test_an_unclosed_quote_is_reported_where_it_opens(example: ExampleProject) -> None:
    """The quote runs on to the next quote in the file, where the parser fails, lines later."""
    example.edit("title: Herstructurering van de logistieke afdeling",
                 'title: "Herstructurering van de logistieke afdeling')
    (error,) = example.errors()
    line = example.line_of('title: "Herstructurering')
    stopped = int(error.message.split("YAML stopped at ")[1].split(":")[0])
    assert stopped > line + 2, error  # the parser itself fails lines later
    assert_located(error, example.yaml, line, f"the quoted text opened at {line}:8 runs on to "
                   f"line {stopped}", "closing quote missing", "close the quote")
    assert error.location.column == 8


def test_a_quote_never_closed_to_the_end_of_the_file(example: ExampleProject) -> None:
    example.write(example.text + "extra: 'nooit gesloten\n")
    (error,) = example.errors()
    line = example.line_of("extra: 'nooit")
    assert_located(error, example.yaml, line, f"the quoted text opened at {line}:8 is never "
                   "closed", "YAML stopped at", "close the quote")


def test_a_colon_in_plain_text_says_to_quote_it(example: ExampleProject) -> None:
    example.edit("what: Deadline M2 van", "what: Deadline M2: van")
    (error,) = example.errors()
    assert_located(error, example.yaml, example.line_of("what: Deadline M2: van"),
                   "a colon in plain text", "mapping values are not allowed",
                   "put the text in quotes")


def test_a_tab_in_the_indentation_is_named(example: ExampleProject) -> None:
    example.edit("  address: Industrieweg 14", "\taddress: Industrieweg 14")
    (error,) = example.errors()
    assert_located(error, example.yaml, example.line_of("\taddress:"), "a tab in the "
                   "indentation", "indent with spaces")


@pytest.mark.parametrize(("indent", "said"), [
    ("   ", "is indented deeper than the key of line"),  # read as the line above's value
    (" ", "is indented unlike the lines it belongs with"),
])
def test_a_wrong_indent_is_named(example: ExampleProject, indent: str, said: str) -> None:
    example.edit("  address: Industrieweg 14", f"{indent}address: Industrieweg 14")
    (error,) = example.errors()
    line = example.line_of(f"{indent}address: Industrieweg")
    assert_located(error, example.yaml, line, f"line {line} {said}",
                   "start in the same column")


def test_duplicate_key_names_the_first_line(example: ExampleProject) -> None:
    example.edit("confidential: true", "confidential: true\ntitle: Tweede titel")
    error = only(example.errors(), "duplicate key 'title'")
    assert_located(error, example.yaml, example.line_of("title: Tweede titel"),
                   f"already given on line {example.line_of('title: Herstructurering')}")


def test_duplicate_milestone_ids(example: ExampleProject) -> None:
    example.edit("- id: M2\n", "- id: M1\n")
    error = only(example.errors(), "duplicate id 'M1'")
    assert_located(error, example.yaml, example.line_of("- id: M1", nth=2),
                   "analysis.milestones must be unique")


def test_duplicate_objective_ids(example: ExampleProject) -> None:
    example.edit("- id: D2\n", "- id: D1\n")
    error = only(example.errors(), "duplicate id 'D1'")
    assert_located(error, example.yaml, example.line_of("- id: D1", nth=2),
                   "intake.objectives must be unique")


def test_unknown_language(example: ExampleProject) -> None:
    example.edit("language: nl", "language: de")
    error = only(example.errors(), "'de' is not allowed")
    assert_located(error, example.yaml, example.line_of("language: de"), "'nl'", "'en'", "'fr'")


# --------------------------------------------------------------------------- unsafe YAML

def test_python_object_tag_runs_nothing(example: ExampleProject, tmp_path: Path) -> None:
    marker = Path("/tmp") / f"pwned-{uuid.uuid4().hex}"
    example.edit("title: Herstructurering van de logistieke afdeling",
                 f'title: !!python/object/apply:os.system ["touch {marker}"]')
    try:
        error = only(example.errors(), "is not allowed")
        assert_located(error, example.yaml, example.line_of("!!python/object"),
                       "python/object/apply:os.system", "remove the tag")
        assert not marker.exists(), "the YAML tag ran a command"
    finally:
        marker.unlink(missing_ok=True)


def test_python_name_tag(example: ExampleProject) -> None:
    example.edit("title: Herstructurering van de logistieke afdeling",
                 "title: !!python/name:os.system ''")
    error = only(example.errors(), "python/name:os.system")
    assert_located(error, example.yaml, example.line_of("!!python/name"), "remove the tag")


# --------------------------------------------------------------------------- values

@pytest.mark.parametrize(("typed", "why"), [
    ("2027-02-30", "February 2027 has 28 days"),
    ("2028-02-30", "February 2028 has 29 days"),
    ("2027-04-31", "April 2027 has 30 days"),
    ("2027-13-01", "there is no month 13"),
])
def test_a_date_that_does_not_exist_is_one_message(example: ExampleProject, typed: str,
                                                   why: str) -> None:
    example.edit("start: 2027-01-11", f"start: {typed}")
    (error,) = example.errors()  # never "has no value" besides
    assert_located(error, example.yaml, example.line_of(f"start: {typed}"),
                   f"period.start: '{typed}' is not a valid date: {why}", "YYYY-MM-DD")


def test_a_date_that_does_not_exist_is_text_where_text_is_expected(
        example: ExampleProject) -> None:
    example.edit("title: Herstructurering van de logistieke afdeling", "title: 2027-02-30")
    assert example.load().assignment.title == "2027-02-30"


@pytest.mark.parametrize(("value", "said"), [
    ("!!python/name:os.system ''", "is not allowed"),
    ("{include: ontbreekt.md}", "does not exist"),
])
def test_a_value_the_reader_refused_is_reported_once(example: ExampleProject, value: str,
                                                     said: str) -> None:
    example.edit("title: Herstructurering van de logistieke afdeling", f"title: {value}")
    (error,) = example.errors()  # no "title has no value" after it
    assert said in error.message, error


@pytest.mark.parametrize("typed", ["9999-12-31", "0001-01-01"])
def test_a_date_beyond_what_the_rules_can_count_with_is_located(example: ExampleProject,
                                                                 typed: str) -> None:
    """The rules add grace days to dates; at datetime's own limits that crashed."""
    example.edit("end: 2027-06-25", f"end: {typed}")
    error = only(example.errors(), f"period.end: {typed} is out of range")
    assert_located(error, example.yaml, example.line_of(f"end: {typed}"),
                   "give a date from 1900-01-01 to 2999-12-31")


def test_date_in_day_month_year_order(example: ExampleProject) -> None:
    example.edit("start: 2027-01-11", "start: 11-01-2027")
    error = only(example.errors(), "11-01-2027")
    assert_located(error, example.yaml, example.line_of("start: 11-01-2027"),
                   "period.start", "YYYY-MM-DD")


@pytest.mark.parametrize("escape", ["\\a", "\\x07", "\\x1b"])
def test_escaped_control_character_refused_at_its_line(example: ExampleProject,
                                                      escape: str) -> None:
    example.edit("title: Herstructurering van de logistieke afdeling",
                 f'title: "Herstructurering{escape} van de afdeling"')
    error = only(example.errors(), "control character")
    assert_located(error, example.yaml, example.line_of('title: "Herstructurering'),
                   "U+00", "remove it")


def test_raw_control_character_refused_at_its_line(example: ExampleProject) -> None:
    example.edit("  title: Interim Logistiek Directeur", "  title: Interim\x07 Directeur")
    (error,) = example.errors()
    assert_located(error, example.yaml, example.line_of("title: Interim\x07"),
                   "control character U+0007", "remove it")
    assert error.location.column == len("  title: Interim") + 1


def test_control_character_in_included_markdown(example: ExampleProject) -> None:
    md = example.folder / "analyse.md"
    md.write_text("Eerste regel.\nTweede\x0b regel.\n", encoding="utf-8")
    error = only(example.errors(), "control character U+000B")
    assert_located(error, md, 2, "remove it")


def test_bad_id_uppercase(example: ExampleProject) -> None:
    example.edit("id: dl-logistiek-2027", "id: DL-Logistiek-2027")
    error = only(example.errors(), "is not a valid id")
    assert_located(error, example.yaml, example.line_of("id: DL-Logistiek"),
                   "lowercase letters")


def test_id_differs_from_folder(example: ExampleProject) -> None:
    example.edit("id: dl-logistiek-2027", "id: dl-logistiek-2028")
    error = only(example.errors(), "differs from the folder name")
    assert_located(error, example.yaml, example.line_of("id: dl-logistiek-2028"),
                   "'dl-logistiek-2028'", "'dl-logistiek-2027'", "rename the folder")


# --------------------------------------------------------------------------- includes

def test_missing_include(example: ExampleProject) -> None:
    example.edit("summary: {include: analyse.md}", "summary: {include: analysis.md}")
    error = only(example.errors(), "does not exist")
    assert_located(error, example.yaml, example.line_of("{include: analysis.md}"),
                   "'analysis.md'", "create analysis.md")


@pytest.mark.parametrize("target", ["../x.md", "/etc/passwd.md", "sub/../../x.md", "..\\x.md"])
def test_include_leaving_the_folder(example: ExampleProject, target: str) -> None:
    (example.root / "assignments" / "x.md").write_text("geheim\n", encoding="utf-8")
    example.edit("summary: {include: analyse.md}", f"summary: {{include: '{target}'}}")
    error = only(example.errors(), "leaves the assignment folder")
    assert_located(error, example.yaml, example.line_of("{include: '"), "move the file")


def test_include_through_symlink_pointing_outside(example: ExampleProject,
                                                  tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("buiten de map\n", encoding="utf-8")
    (example.folder / "link.md").symlink_to(outside)
    example.edit("summary: {include: analyse.md}", "summary: {include: link.md}")
    error = only(example.errors(), "leaves the assignment folder")
    assert_located(error, example.yaml, example.line_of("{include: link.md}"))


def test_include_through_symlink_inside_is_fine(example: ExampleProject) -> None:
    (example.folder / "link.md").symlink_to(example.folder / "analyse.md")
    example.edit("summary: {include: analyse.md}", "summary: {include: link.md}")
    assert "veertien interviews" in example.load().assignment.analysis.summary


def test_include_of_non_markdown(example: ExampleProject) -> None:
    example.edit("summary: {include: analyse.md}", "summary: {include: assignment.yaml}")
    error = only(example.errors(), "is not a Markdown file")
    assert_located(error, example.yaml, example.line_of("{include: assignment.yaml}"))


def test_include_not_available_without_root(tmp_path: Path) -> None:
    path = tmp_path / "firm.yaml"
    path.write_text("name: X\nfooter: {include: f.md}\n", encoding="utf-8")
    _, report = load(path)
    error = only(report.diagnostics, "`include` is not available")
    assert_located(error, path, 2)


def test_resolve_inside(tmp_path: Path) -> None:
    assert resolve_inside(tmp_path, "a.md") == (tmp_path / "a.md").resolve()
    assert resolve_inside(tmp_path, "sub/../a.md") == (tmp_path / "a.md").resolve()
    assert resolve_inside(tmp_path, "../a.md") is None
    assert resolve_inside(tmp_path, "/tmp/a.md") is None
    assert resolve_inside(tmp_path, "a\\b.md") is None


def test_missing_file(tmp_path: Path) -> None:
    source, report = load(tmp_path / "nope.yaml")
    assert source is None
    assert "file not found" in only(report.diagnostics, "file not found").message


# --------------------------------------------------------------------------- aliases and depth

def test_aliases_copy_values(example: ExampleProject) -> None:
    example.edit("participants: [gdewit, lvermeulen]", "participants: &duo [gdewit, lvermeulen]")
    example.edit("with: [gdewit]", "with: *duo")
    assert example.load().assignment.analysis.reviews[0].with_ == ["gdewit", "lvermeulen"]


def test_self_containing_alias(example: ExampleProject) -> None:
    example.edit("participants: [gdewit, lvermeulen]", "participants: &p [gdewit, *p]")
    error = only(example.errors(), "refers to the value that contains it")
    assert_located(error, example.yaml, example.line_of("participants: &p"), "write the value")


def test_alias_bomb_is_refused_quickly(example: ExampleProject) -> None:
    lines = ["l0: &l0 [ha, ha, ha, ha, ha, ha, ha, ha, ha, ha]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 10)]
    example.write("\n".join(lines) + "\n")
    error = only(example.errors(), "values")
    assert error.location.file == example.yaml
    assert error.location.line >= 1
    assert "more than" in error.message
    assert "aliases" in error.hint


def test_deep_nesting_is_located(example: ExampleProject) -> None:
    example.edit("title: Herstructurering van de logistieke afdeling",
                 "title: " + "[" * 60 + "x" + "]" * 60)
    error = only(example.errors(), "nested too deeply")
    assert_located(error, example.yaml, example.line_of("title: [[["))


def test_extreme_nesting_is_an_error_not_a_crash(example: ExampleProject) -> None:
    example.write("a: " + "[" * 5000 + "]" * 5000 + "\n")
    (error,) = example.errors()
    assert_located(error, example.yaml, 1)
    assert "nest" in error.message  # "nested too deeply", or LibYAML's own depth limit


def test_control_character_in_a_key_is_refused_at_its_line(example: ExampleProject) -> None:
    example.edit("      results: 4", '      "res\\x01ults": 4')
    error = only(example.errors(), "control character U+0001 in a key")
    assert_located(error, example.yaml, example.line_of('"res\\x01ults": 4'))


def test_an_error_far_into_a_file_is_not_scanned_again(example: ExampleProject,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding where an error began re-reads the file with the pure scanner: bounded by
    MAX_SCAN (set small here), past which the parser's own place is told."""
    from generator.source import syntax

    monkeypatch.setattr(syntax, "MAX_SCAN", 100)
    example.edit("title: Herstructurering van de logistieke afdeling",
                 'title: "Herstructurering van de logistieke afdeling')
    (error,) = example.errors()
    assert "quoted text" not in error.message and "YAML stopped at" in error.message, error
    assert error.location.line > example.line_of('title: "Herstructurering') + 2
