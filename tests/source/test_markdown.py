"""Rule 10 on users' Markdown (`rules/markdown.py`): links, pictures and directives refused at
validate as the build would refuse them, each at its line, with what to write instead.

The broader cases (pictures leaving the folder, unclosed blocks, misplaced directives) are
in test_rules.py; these pin the messages, the included file's own lines, the pictures'
size and width, the brand template's styles and the one-line reading of prose fields."""

from __future__ import annotations

from pathlib import Path

import pytest
from example_project import ExampleProject, assert_located, only

from generator.errors import SourceError
from generator.source.dialect import MAX_PICTURE_BYTES
from generator.source.project import load_assignment

PNG = (Path(__file__).parents[1] / "writer" / "fixtures" / "chart.png").read_bytes()

FACTOR = "- Zichtbare steun van de CEO tijdens de eerste maand"
"""A prose list item of the example (a success factor), rendered on one line."""


def _factor(example: ExampleProject, text: str) -> int:
    """The first success factor replaced by `text` (a YAML string as typed); its line."""
    example.edit(FACTOR, f"- {text}")
    return example.line_of(f"- {text}")


def _included(example: ExampleProject, text: str) -> None:
    (example.folder / "analyse.md").write_text(text, encoding="utf-8")


# ---------------------------------------------------------------- links and pictures

def test_a_refused_link_is_named_up_to_40_characters(example: ExampleProject) -> None:
    target = "javascript:" + "a" * 29 + "TAIL"  # 44 characters
    line = _factor(example, f"'[steun]({target})'")
    error = only(example.errors(), "is not allowed")
    assert error.message.startswith(f"link {target[:40]!r} is not allowed")
    assert_located(error, example.yaml, line)


def test_a_refused_link_in_an_included_file_names_the_file(example: ExampleProject) -> None:
    _included(example, "Zie [de site](javascript:alert(1)).\n")
    error = only(example.errors(), "is not allowed")
    assert error.message.startswith("in analyse.md: link 'javascript:alert(1)' is not allowed")
    assert_located(error, example.yaml, example.line_of("summary: {include: analyse.md}"))


def test_a_web_picture_is_named_up_to_60_characters_with_the_fix(
        example: ExampleProject) -> None:
    target = "https://example.com/" + "p" * 40 + "TAIL.png"  # 68 characters
    line = _factor(example, f"'![steun]({target})'")
    error = only(example.errors(), "is not a local file")
    assert error.message == f"picture {target[:60]!r} is not a local file"
    assert error.hint == "save the picture in the assignment folder and name it relatively"
    assert_located(error, example.yaml, line)


def test_a_missing_picture_says_how_to_fix_it(example: ExampleProject) -> None:
    line = _factor(example, "'![steun](ontbreekt.png)'")
    error = only(example.errors(), "does not exist")
    assert error.message == "picture 'ontbreekt.png' does not exist"
    assert error.hint == "create ontbreekt.png or fix the name"
    assert_located(error, example.yaml, line)


def test_a_picture_named_with_an_escaped_space_is_the_file_with_the_space(
        example: ExampleProject) -> None:
    (example.folder / "mijn plan.png").write_bytes(PNG)
    _factor(example, "'![steun](mijn%20plan.png)'")
    example.load()
    example.edit("![steun](mijn%20plan.png)", "![steun](ander%20plan.png)")
    error = only(example.errors(), "does not exist")
    assert error.message == "picture 'ander plan.png' does not exist"


@pytest.mark.parametrize(("where", "label"), [("yaml", ""), ("included", "in analyse.md: ")])
def test_a_picture_that_is_no_png_is_refused_at_validate(example: ExampleProject, where: str,
                                                         label: str) -> None:
    (example.folder / "plan.png").write_bytes(b"<html>not a picture</html>")
    if where == "yaml":
        line = _factor(example, "'![steun](plan.png)'")
    else:
        _included(example, "Zie\n\n![plan](plan.png)\n")
        line = example.line_of("summary: {include: analyse.md}")
    error = only(example.errors(), "plan.png")
    assert error.message == f"{label}image 'plan.png' is not a PNG, JPEG or GIF picture"
    assert error.hint == "convert it to PNG"
    assert_located(error, example.yaml, line)


def test_a_picture_over_20_mb_is_refused_one_under_5_mb_is_not(
        example: ExampleProject) -> None:
    (example.folder / "plan.png").write_bytes(PNG + b"\0" * (6 * 1024 * 1024))
    _factor(example, "'![steun](plan.png)'")
    example.load()  # over the 5 MB of other files: a picture may be larger
    (example.folder / "plan.png").write_bytes(b"\0" * (MAX_PICTURE_BYTES + 1))
    error = only(example.errors(), "too large")
    assert error.message == "picture 'plan.png' is too large (over 20 MB)"


@pytest.mark.parametrize("width", ["5cm", '"50%"', '"40 mm"'])
def test_a_picture_width_the_writer_understands_passes(example: ExampleProject,
                                                       width: str) -> None:
    (example.folder / "plan.png").write_bytes(PNG)
    _factor(example, f"'![steun](plan.png){{width={width}}}'")
    example.load()


def test_a_picture_width_the_writer_cannot_read_is_refused_at_its_line(
        example: ExampleProject) -> None:
    (example.folder / "plan.png").write_bytes(PNG)
    line = _factor(example, "'![steun](plan.png){width=breed}'")
    error = only(example.errors(), "picture width")
    assert error.message == "picture width 'breed' is not understood"
    assert error.hint == "write it like {width=5cm}, {width=40mm}, {width=2in} or {width=50%}"
    assert_located(error, example.yaml, line)


def test_a_picture_is_found_as_the_prose_field_prints_it_on_one_line(
        example: ExampleProject) -> None:
    """`<...>` holds no line break: typed, this is no picture; printed on one line, it is."""
    example.edit(f"    {FACTOR}", "    - |\n      Zie ![plan](<../mijn\n      plan.png>)")
    error = only(example.errors(), "leaves the assignment folder")
    assert error.message == "picture '../mijn plan.png' leaves the assignment folder"


# ---------------------------------------------------------------- directives

def test_an_unknown_directive_lists_the_known_ones(example: ExampleProject) -> None:
    line = _factor(example, "'::: kader'")
    error = only(example.errors(), "unknown directive")
    assert error.message == "unknown directive '::: kader'"
    assert error.hint == ("use one of ::: landscape, ::: pagebreak, ::: signatures, ::: style,"
                          " ::: toc, or write the colons as \\:::")
    assert_located(error, example.yaml, line)


def test_an_unknown_directive_is_named_up_to_40_characters(example: ExampleProject) -> None:
    name = "k" * 38 + "TAIL"
    _included(example, f"Analyse\n\n::: {name}\ntekst\n:::\n")
    error = only(example.errors(), "unknown directive")
    assert error.message == f"in analyse.md: unknown directive '::: {name[:40]}'"


def test_a_directive_is_known_by_its_name_before_its_arguments(example: ExampleProject) -> None:
    example.edit("  situation: |\n", "  situation: |\n    ::: STYLE Title\n    Kop\n    :::\n\n")
    example.load()


def test_a_directive_problem_in_an_included_file_is_at_its_own_line(
        example: ExampleProject) -> None:
    _included(example, "Analyse\n\n::: style\ntekst\n:::\n")
    error = only(example.errors(), "needs a paragraph style name")
    assert error.message == "'::: style' needs a paragraph style name"
    assert error.hint == "write e.g. '::: style Title'"
    assert_located(error, example.folder / "analyse.md", 3)


def test_a_directive_problem_in_yaml_names_the_line_of_the_text(example: ExampleProject) -> None:
    example.edit("  situation: |\n", "  situation: |\n    Kop\n\n    ::: style\n    x\n    :::\n\n")
    error = only(example.errors(), "needs a paragraph style name")
    assert error.message == "line 3 of the text: '::: style' needs a paragraph style name"
    assert error.hint == "write e.g. '::: style Title'"


# ---------------------------------------------------------------- the brand template's styles

STYLES = {"Title", "Block Text"}
"""The paragraph styles of a brand template, as delivery hands them to validate."""


def _errors_with_styles(example: ExampleProject) -> list:
    with pytest.raises(SourceError) as info:
        load_assignment(example.folder, style_exists=STYLES.__contains__)
    return info.value.diagnostics


@pytest.mark.parametrize("style", ["Title", "Block Text"])
def test_a_style_of_the_brand_template_passes(example: ExampleProject, style: str) -> None:
    example.edit("  situation: |\n", f"  situation: |\n    ::: style {style}\n    Kop\n    :::\n\n")
    load_assignment(example.folder, style_exists=STYLES.__contains__)


def test_a_style_the_brand_template_lacks_is_refused_at_the_line_of_the_text(
        example: ExampleProject) -> None:
    example.edit("  situation: |\n",
                 "  situation: |\n    Intro\n\n    ::: style Kader\n    Kop\n    :::\n\n")
    example.load()  # without a brand template validate cannot know
    error = only(_errors_with_styles(example), "Kader")
    assert error.message == ("line 3 of the text: '::: style Kader': the brand template has no "
                             "paragraph style 'Kader'")
    assert error.hint == ("use a style of the brand template, e.g. Title, or add the style to "
                          "it in Word")
    assert_located(error, example.yaml, example.line_of("  situation: |"))


def test_a_missing_style_of_two_words_is_refused_a_code_block_language_is_no_style(
        example: ExampleProject) -> None:
    example.edit("  situation: |\n", "  situation: |\n    ```style Kader\n    code\n    ```\n\n"
                 "    ::: style Kader Groot\n    Kop\n    :::\n\n")
    error = only(_errors_with_styles(example), "brand template")
    assert error.message == ("line 5 of the text: '::: style Kader Groot': the brand template "
                             "has no paragraph style 'Kader Groot'")


def test_every_text_is_checked_without_a_brand_template_too(example: ExampleProject) -> None:
    example.edit("  situation: |\n", "  situation: |\n    ::: style\n    x\n    :::\n\n")
    _included(example, "Analyse\n\n::: style\ntekst\n:::\n")
    errors = example.errors()
    assert sorted((e.location.file.name, e.message) for e in errors) == [
        ("analyse.md", "'::: style' needs a paragraph style name"),
        ("assignment.yaml", "line 1 of the text: '::: style' needs a paragraph style name")]


def test_a_missing_style_in_an_included_file_is_at_its_own_line(example: ExampleProject) -> None:
    name = "S" * 38 + "TAIL"  # 42 characters: named up to 40
    _included(example, f"Analyse\n\n::: style {name}\ntekst\n:::\n")
    error = only(_errors_with_styles(example), "brand template")
    assert error.message == (f"'::: style {name[:40]}': the brand template has no paragraph "
                             f"style {name[:40]!r}")
    assert_located(error, example.folder / "analyse.md", 3)


def test_a_footnote_that_cites_itself_is_refused_at_its_line(example: ExampleProject) -> None:
    example.edit("  situation: |\n",
                 "  situation: |\n    Tekst[^a].\n\n    [^a]: Zie ook [^a].\n\n")
    error = only(example.errors(), "cites itself")
    assert error.message == "line 3 of the text: footnote [^a] cites itself ([^a] → [^a])"
    assert error.hint == "a note may cite other notes, but never itself, and not in long chains"


# ---------------------------------------------------------------- self-contained fields

@pytest.mark.parametrize(("text", "what"), [
    ("```", "a code block opened on line 1"),                # a fence and nothing after
    ("```\ncode\n~~~", "a code block opened on line 1"),     # closed by another fence
    ("Intro\n\n::: " + "s" * 28 + "TAIL\nx",                  # named up to 30 characters
     "the directive '::: " + "s" * 28 + "TA' opened on line 3"),
])
def test_a_block_left_open_is_refused(example: ExampleProject, text: str, what: str) -> None:
    indented = "\n".join("    " + line for line in text.splitlines())
    example.edit("  situation: |\n", f"  situation: |\n{indented}\n")
    error = only(example.errors(), "is never closed")
    assert error.message == f"{what} of the text is never closed"
    assert error.hint == "close it with a line of the same fence, or `:::` for a directive"


@pytest.mark.parametrize("text", ["````\ncode\n`````", "~~~\ncode\n~~~   ", "::: toc\n:::"])
def test_a_block_closed_by_a_longer_fence_or_with_spaces_passes(example: ExampleProject,
                                                               text: str) -> None:
    indented = "\n".join("    " + line for line in text.splitlines())
    example.edit("  situation: |\n", f"  situation: |\n{indented}\n\n")
    example.load()


def test_a_fence_on_the_last_line_opens_a_block_it_does_not_close(
        example: ExampleProject) -> None:
    _included(example, "Analyse\n\n```\n")
    error = only(example.errors(), "is never closed")
    assert error.message == ("in analyse.md: a code block opened on line 3 of the text is "
                             "never closed")


@pytest.mark.parametrize("text", [
    "Analyse\n\n```\ncode\n```\n",     # closed on the file's last line
    "Analyse\n\n```\n```",               # an empty code block
    "Regel\u2028met een regeleinde uit Word\n\n```\ncode\n```\n\n::: toc\n:::\n",
    "Alinea\u2029en nog een\n\n~~~\ncode\n~~~\n",
])
def test_an_included_file_that_closes_its_blocks_passes(example: ExampleProject,
                                                        text: str) -> None:
    """U+2028 and U+2029 (line and paragraph separators) are no line breaks to the Markdown
    engine: the closing fence is looked for on the engine's own line, not one line off."""
    _included(example, text)
    assert example.load().assignment.analysis.summary == text


def test_a_link_definition_read_on_one_line_is_refused(example: ExampleProject) -> None:
    """Indented, it is code as typed; printed on one line, it defines a reference."""
    line = _factor(example, "'    [x]: https://example.com'")
    error = only(example.errors(), "defines link references")
    assert error.message == ("the text defines link references ([label]: address), which "
                             "would apply to the whole document")
    assert error.hint == "write each link inline: [text](address)"
    assert_located(error, example.yaml, line)
