"""Typography as a client reads it (issue 20): typographic apostrophes and quotes, one
month abbreviation style per language, lower case after a joining dash, never two bracket
groups in a row. Each rule on its own, then every built document of the three reference
assignments read with python-docx."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
import yaml
from babel.dates import get_month_names
from docx_reading import (
    ANALYSIS,
    ENGLISH,
    EPOCH,
    EXAMPLE,
    Docx,
    build_loaded,
    built_all,
    source_date_epoch,
    variant,
)

from generator.documents.templating import TEMPLATES_DIR, Formatter, escape, inline, load_terms
from generator.documents.typography import (
    after_dash,
    aside,
    typographic,
    typographic_markdown,
)
from generator.source.project import load_assignment


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    return built_all(tmp_path_factory.mktemp("typography"))


def every_document(docs: dict[str, dict[str, Path]]) -> list[tuple[str, Docx]]:
    return [(f"{a}/{name}", Docx(path)) for a, files in docs.items()
            for name, path in sorted(files.items())]


# ---------------------------------------------------------------- the rules, one by one

def test_an_apostrophe_between_letters_is_typographic():
    assert typographic("Maeve O'Brien, the client's plan, zo'n voorstel, Risico's") == (
        "Maeve O’Brien, the client’s plan, zo’n voorstel, Risico’s")
    assert typographic("N4's due date") == "N4’s due date"
    # not inside a word: left as typed (a quote, a foot, a year)
    assert typographic("'quoted' 6' the '90s") == "'quoted' 6' the '90s"


def test_straight_double_quotes_pair_up_only_around_words():
    assert typographic('the "close calendar" is "ours".') == "the “close calendar” is “ours”."
    assert typographic('a 5" screen, "unclosed') == 'a 5" screen, "unclosed'


def test_markdown_keeps_code_links_and_attributes_as_typed():
    text = ("It's [a \"link\"](https://x.example/o'b \"title\") and `don't` "
            "![logo](a.png){width=\"5cm\"}\n\n```\nit's code\n```\nafter it's")
    assert typographic_markdown(text) == (
        "It’s [a “link”](https://x.example/o'b \"title\") and `don't` "
        "![logo](a.png){width=\"5cm\"}\n\n```\nit's code\n```\nafter it’s")
    # a term's hole before the apostrophe: "{client}'s organisation"
    assert typographic_markdown("inside {client}'s organisation") == (
        "inside {client}’s organisation")


def test_user_text_enters_markdown_typeset():
    assert escape("Maeve O'Brien") == "Maeve O’Brien"
    assert inline('the bank\'s "module" in `it\'s`') == "the bank’s “module” in `it's`"


def test_lower_case_after_a_joining_dash_unless_a_name_or_acronym():
    assert after_dash("Daling ingezet; verdere opvolging door HR") == (
        "daling ingezet; verdere opvolging door HR")
    assert after_dash("Signed nine days late") == "signed nine days late"
    assert after_dash("Jan Peeters leidt", names={"Jan", "Peeters"}) == "Jan Peeters leidt"
    for kept in ("HR neemt over", "Q2 closed", "McKinsey review", "2027 closed", "ok"):
        assert after_dash(kept) == kept


def test_a_note_joins_a_bracket_group_instead_of_opening_a_second():
    assert aside("Permanent CFO (recruitment running)", "to be recruited") == (
        "Permanent CFO (recruitment running; to be recruited)")
    assert aside("Permanent CFO \\(recruitment running\\)", "to be recruited") == (
        "Permanent CFO \\(recruitment running; to be recruited\\)")
    assert aside("Head of Finance", "internal candidate") == "Head of Finance (internal candidate)"
    assert aside("(a) then b", "c") == "(a) then b (c)"
    assert aside("Head of Finance", "") == "Head of Finance"


def test_one_month_abbreviation_style_per_language():
    en, nl = Formatter("en"), Formatter("nl")
    assert en.month_names() == ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
                                "Sep", "Oct", "Nov", "Dec"]
    assert en.date(datetime.date(2027, 9, 17), "medium") == "17\u00a0Sep\u00a02027"
    assert en.date(datetime.date(2027, 9, 17)) == "17\u00a0September\u00a02027"
    assert nl.date(datetime.date(2027, 9, 17), "medium") == "17\u00a0sep\u00a02027"
    assert nl.date(datetime.date(2027, 3, 12), "medium") == "12\u00a0mrt\u00a02027"
    for fmt in (en, nl):  # the timeline's months are the tables' months
        for month in range(1, 13):
            shown = fmt.date(datetime.date(2027, month, 1), "medium").split("\u00a0")[1]
            assert shown == fmt.month_names()[month - 1]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_terms_read_typeset_a_firms_own_too(language, tmp_path):
    def strings(node):
        for value in node.values():
            yield from strings(value) if isinstance(value, dict) else [value]

    ours = yaml.safe_load((TEMPLATES_DIR / language / "terms.yaml").read_text(encoding="utf-8"))
    for value in strings(ours):  # the project's own terms are typed typeset
        assert not isinstance(value, str) or not re.search(r"\w'\w", value), value
    (tmp_path / language).mkdir()
    (tmp_path / language / "terms.yaml").write_text(
        "proposal:\n  expectations: 'The client''s \"wishes\"'\n", encoding="utf-8")
    terms = load_terms(language, [tmp_path, TEMPLATES_DIR])
    assert terms["proposal"]["expectations"] == "The client’s “wishes”"
    assert not any(re.search(r"\w'\w", v) for v in strings(terms) if isinstance(v, str))


# ---------------------------------------------------------------- the built documents

def test_no_straight_apostrophe_in_any_document(docs):
    for name, d in every_document(docs):
        assert "'" not in d.text, name


def test_no_two_bracket_groups_in_a_row_in_any_document(docs):
    for name, d in every_document(docs):
        assert "((" not in d.text and not re.search(r"\)\s*\(", d.text), name


def test_one_month_abbreviation_style_in_every_document(docs):
    medium = re.compile(r"\b\d{1,2}[\s\u00a0]([A-Za-z]{3,9})\.?[\s\u00a0]\d{4}\b")
    for assignment, language in ((EXAMPLE, "nl"), (ANALYSIS, "nl"), (ENGLISH, "en")):
        fmt = Formatter(language)
        ours = set(fmt.month_names())
        wide = {fmt.date(datetime.date(2027, m, 1)).split("\u00a0")[1] for m in range(1, 13)}
        babel = {str(n) for n in get_month_names("abbreviated", locale=fmt.locale).values()}
        for name, path in docs[assignment].items():
            months = {m for m in medium.findall(Docx(path).text) if m in ours | wide | babel}
            assert months & ours, name  # every document prints a short date
            assert months <= ours | wide, (name, months - ours - wide)
    assert not re.search(r"\bSept\b", "\n".join(d.text for _, d in every_document(docs)))


def test_lower_case_after_the_dash_that_joins_a_result_and_its_note(docs):
    nl = Docx(docs[EXAMPLE]["handover.docx"]).table("Nr.", "Doelstelling")
    assert nl.row("D2")[4] == ("6,1 % (t/m 31 mei 2027) – april en mei 2027; daling ingezet, "
                               "verdere opvolging door HR")
    en = Docx(docs[ENGLISH]["handover.docx"]).table("No.", "Objective")
    assert en.row("F2")[4] == ("Unqualified opinion signed 9 July 2027 – signed on the date "
                               "change C2 set, nine days after the original 30 June")
    for _, d in every_document(docs):
        assert not re.search(r" – (Daling|Signed) ", d.text)


def test_user_text_typeset_and_bracket_groups_joined(tmp_path):
    """A successor still to be recruited whose role already holds a bracket, a note that
    starts with a person's name, a quoted word in a summary."""
    def change(data):
        data["intake"]["exit_plan"]["successor"] = {
            "role": "Permanent CFO (recruitment running)", "status": "to_recruit"}
        results = data["closing"]["results"]
        results[2]["note"] = "Ada Okafor runs the forecast alone"
        data["closing"]["summary"] = 'The "close calendar" is the team\'s own.'

    with source_date_epoch(EPOCH):
        out = build_loaded(load_assignment(variant(ENGLISH, tmp_path, change)), tmp_path / "b",
                           only=("handbook", "handover"))
    handbook, handover = Docx(out["handbook.docx"]), Docx(out["handover.docx"])
    for d in (handbook, handover):
        assert "Successor: Permanent CFO (recruitment running; to be recruited)." in d.text
        assert ") (" not in d.text
    results = handover.table("No.", "Objective")
    assert results.row("F3")[4].endswith("– Ada Okafor runs the forecast alone")
    assert "The “close calendar” is the team’s own." in handover.text
