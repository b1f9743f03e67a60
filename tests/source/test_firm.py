"""The firm of firm.yaml: a name and a signatory's role given once or per language (the
legal form a French reader expects, SRL, where a Dutch one reads BV)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from example_project import assert_located
from jsonschema import Draft202012Validator

from generator.errors import SourceError
from generator.source.firm import Firm
from generator.source.per_language import every_language, in_language
from generator.source.project import load_firm
from generator.source.schema import firm_schema

REPO = Path(__file__).resolve().parents[2]
PER_LANGUAGE = """\
language: nl
name:
  nl: Firma BV
  fr: Firma SRL
signatory: {name: An Peeters, role: {nl: Zaakvoerder, fr: Gérante}}
"""


def firm_from(tmp_path: Path, text: str) -> Firm:
    (tmp_path / "firm.yaml").write_text(text, encoding="utf-8")
    return load_firm(tmp_path)


def test_name_and_role_per_language(tmp_path: Path) -> None:
    firm = firm_from(tmp_path, PER_LANGUAGE)
    french, dutch = firm.for_language("fr"), firm.for_language("nl")
    assert (french.name, french.signatory.role) == ("Firma SRL", "Gérante")
    assert (dutch.name, dutch.signatory.role) == ("Firma BV", "Zaakvoerder")
    # English is not given: the firm's own language stands in (a name must print)
    english = firm.for_language("en")
    assert (english.name, english.signatory.role) == ("Firma BV", "Zaakvoerder")


def test_a_language_missing_without_the_firms_own_reads_the_first_given() -> None:
    assert in_language({"fr": "Firma SRL", "en": "Firma Ltd"}, "nl", "nl") == "Firma SRL"
    assert in_language({"fr": "x"}, "nl") == ""  # a footer: none for Dutch
    assert every_language({"nl": "A BV", "fr": "A SRL"}) == ["A BV", "A SRL"]
    assert every_language("A BV") == ["A BV"] and every_language(None) == []


def test_one_name_and_one_role_still_work(tmp_path: Path) -> None:
    """firm.yaml as it was written before: every language prints the one text."""
    firm = firm_from(tmp_path, "name: Firma BV\nsignatory: {name: An Peeters, role: CEO}\n")
    for language in ("nl", "en", "fr"):
        printed = firm.for_language(language)
        assert (printed.name, printed.signatory.role) == ("Firma BV", "CEO")


@pytest.mark.parametrize(("text", "line", "said"), [
    ("name:\n  nl: Firma BV\n  de: Firma GmbH\n", 1, "unknown language de"),
    ("name: {nl: Firma BV, fr: ''}\n", 1, "one text per language"),
    ("name: Firma\nsignatory: {name: An, role: [CEO]}\n", 2, "one text per language"),
])
def test_a_bad_name_or_role_is_located_with_the_fix(tmp_path: Path, text: str, line: int,
                                                    said: str) -> None:
    with pytest.raises(SourceError) as info:
        firm_from(tmp_path, text)
    problem = info.value.diagnostics[0]
    assert_located(problem, "firm.yaml", line, said)


def test_the_firm_schema_admits_the_firms_file_and_refuses_a_bad_name() -> None:
    schema = Draft202012Validator(firm_schema())
    assert list(schema.iter_errors(yaml.safe_load((REPO / "firm.yaml").read_text("utf-8")))) \
        == []
    assert list(schema.iter_errors({"name": "Firma BV",
                                    "signatory": {"name": "An", "role": "CEO"}})) == []
    for bad in ({"name": {"de": "Firma GmbH"}}, {"name": ""}, {"name": {}},
                {"name": "Firma", "signatory": {"name": "An", "role": {"nl": 1}}}):
        assert list(schema.iter_errors(bad)), bad

