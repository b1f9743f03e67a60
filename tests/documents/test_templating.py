"""Templating: how user text enters Markdown, language formatting, terms and firm overrides."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from generator.documents.templating import (
    Formatter,
    Md,
    TemplatingError,
    escape,
    finalize,
    inline,
    make_environment,
    preload,
    render,
)
from generator.source.model import BlockMarkdown, InlineMarkdown

PARSER = MarkdownIt("commonmark", {"html": False}).enable("table")


def rendered_text(markdown: str) -> str:
    """What a reader sees: the inline text of the parsed Markdown."""
    tokens = PARSER.parse(markdown)
    return "".join(c.content for t in tokens for c in (t.children or [])
                   if c.type in ("text", "code_inline"))


def block_types(markdown: str) -> list[str]:
    return [t.type for t in PARSER.parse(markdown) if t.nesting == 1]


@pytest.mark.parametrize("text", [
    "# not a heading", "- not a list", "1. not a list", "> no quote", "*not* **bold**",
    "[no](link)", "`no code`", "| a | b |", "::: pagebreak", "{{ 7*7 }}", "<b>x</b>",
    "a\\b", "100 % & € 5,00", "[x]{.status-done}", "![p](x.png)",
])
def test_plain_text_reads_exactly_as_typed(text: str) -> None:
    markdown = escape(text)
    assert rendered_text(markdown) == text
    assert block_types(markdown) == ["paragraph_open"]


def test_plain_text_cannot_break_a_table_row() -> None:
    row = f"| {escape('a | b')} | {escape('c')} |"
    tokens = PARSER.parse(f"| x | y |\n|---|---|\n{row}\n")
    cells = [t for t in tokens if t.type == "td_open"]
    assert len(cells) == 2


@pytest.mark.parametrize("text", ["# heading", "- item", "+ item", "* item", "12. item", "3) x",
                                  "> quote", "```", "~~~", "---", "* * *", "___", "::: toc",
                                  "| a |"])
def test_inline_markdown_never_opens_a_block(text: str) -> None:
    assert block_types(inline(text)) == ["paragraph_open"]


def test_inline_markdown_keeps_emphasis_but_no_blocks() -> None:
    markdown = inline("# Title with **bold**\n- item")
    assert block_types(markdown) == ["paragraph_open"]
    tokens = PARSER.parse(markdown)
    assert any(c.type == "strong_open" for t in tokens for c in (t.children or []))
    assert "# Title with" in rendered_text(markdown)


def test_finalize_decides_by_type_not_content() -> None:
    assert finalize(None) == ""
    assert finalize(Md("**x**")) == "**x**"
    assert finalize("**x**") == "\\*\\*x\\*\\*"
    assert finalize(InlineMarkdown("**x**")) == "**x**"
    assert finalize(BlockMarkdown("para\n\n- item")) == "para\n\n- item\n"


@pytest.mark.parametrize(("language", "date", "money", "percent"), [
    # no line break after the € nor inside a date
    ("nl", "1\xa0februari\xa02027", "€\xa099.750,00", "21\xa0%"),
    ("en", "1\xa0February\xa02027", "€99,750.00", "21%"),
])
def test_formatting_per_language(language: str, date: str, money: str, percent: str) -> None:
    fmt = Formatter(language)
    assert fmt.date(datetime.date(2027, 2, 1)) == date
    assert fmt.money(Decimal("99750"), "EUR") == money
    assert fmt.percent(Decimal("21")) == percent
    assert len(fmt.month_names()) == 12


def test_country_names_follow_the_language() -> None:
    assert Formatter("nl").country("BE") == "België"
    assert Formatter("en").country("IE") == "Ireland"
    assert Formatter("en").country("XX") == "XX"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_firm_overrides_one_term_and_keeps_the_rest(tmp_path: Path) -> None:
    write(tmp_path / "nl" / "terms.yaml", "draft: ONTWERP\n")
    env = make_environment("nl", tmp_path)
    assert env.globals["t"].draft == "ONTWERP"
    assert env.globals["t"].control.version == "Versie"


def test_a_firm_overrides_one_template_and_keeps_the_rest(tmp_path: Path) -> None:
    write(tmp_path / "shared" / "_signatures.md.j2", "Getekend: {{ t.signatures.name }}\n")
    env = make_environment("nl", tmp_path)
    assert env.get_template("_signatures.md.j2").render() == "Getekend: Naam\n"
    built_in = Path(__file__).parents[2] / "templates" / "shared"
    for name in ("document.md.j2", "proposal.md.j2", "_plan.md.j2"):
        source, filename, _ = env.loader.get_source(env, name)
        assert Path(filename) == built_in / name
        assert source == (built_in / name).read_text(encoding="utf-8")
    assert Path(env.loader.get_source(env, "_signatures.md.j2")[1]).parent == tmp_path / "shared"


def test_a_language_template_wins_over_the_shared_one(tmp_path: Path) -> None:
    write(tmp_path / "shared" / "x.md.j2", "shared\n")
    write(tmp_path / "en" / "x.md.j2", "english\n")
    assert render(make_environment("en", tmp_path), "x.md.j2", {}) == "english\n"
    assert render(make_environment("nl", tmp_path), "x.md.j2", {}) == "shared\n"


def test_a_missing_term_is_named(tmp_path: Path) -> None:
    write(tmp_path / "shared" / "x.md.j2", "{{ t.no_such_term }}\n")
    with pytest.raises(TemplatingError, match="no term 'no_such_term'"):
        render(make_environment("nl", tmp_path), "x.md.j2", {})


def test_undefined_values_are_errors_naming_the_template(tmp_path: Path) -> None:
    write(tmp_path / "shared" / "x.md.j2", "line one\n{{ missing.value }}\n")
    with pytest.raises(TemplatingError, match=r"x\.md\.j2:2: template error: 'missing'"):
        render(make_environment("nl", tmp_path), "x.md.j2", {})


def test_preload_parses_every_template_and_leaves_a_broken_one_to_its_document(
        tmp_path: Path) -> None:
    write(tmp_path / "shared" / "broken.md.j2", "fine\n{% if %}\n")
    (tmp_path / "shared" / "latin1.md.j2").write_bytes(b"caf\xe9\n")  # not UTF-8
    env = make_environment("nl", tmp_path)
    preload(env)  # no error here: only a document rendering it fails
    loaded = {key[1] for key in env.cache}
    assert {"proposal.md.j2", "handbook.md.j2", "_plan.md.j2", "document.md.j2"} <= loaded
    assert "broken.md.j2" not in loaded and "latin1.md.j2" not in loaded
    with pytest.raises(TemplatingError, match=r"broken\.md\.j2:2: template error"):
        render(env, "broken.md.j2", {})


def test_the_sandbox_refuses_internals(tmp_path: Path) -> None:
    write(tmp_path / "shared" / "x.md.j2", "{{ ''.__class__.__mro__[1].__subclasses__() }}\n")
    with pytest.raises(TemplatingError,
                       match=r"x\.md\.j2:1: template error: access to attribute '__class__' "
                             r"of 'str' object is unsafe"):
        render(make_environment("nl", tmp_path), "x.md.j2", {})


@pytest.mark.parametrize("text", ["3. Reorganise the team", "12) Twelfth", "# Not a heading",
                                  "- not an item", "> not a quote"])
def test_inline_text_with_a_block_marker_reads_as_typed(text: str) -> None:
    assert rendered_text(inline(text)) == text


def test_a_term_with_an_unknown_hole_is_named(tmp_path: Path) -> None:
    write(tmp_path / "nl" / "terms.yaml", 'proposal:\n  validity: "Geldig tot {datum}."\n')
    write(tmp_path / "shared" / "x.md.j2", "{{ t.proposal.validity | fill(date='1 mei') }}\n")
    with pytest.raises(TemplatingError, match=r"Geldig tot \{datum\}.*may use: \{date\}"):
        render(make_environment("nl", tmp_path), "x.md.j2", {})
