"""The spell check (`interim validate --spell`): unknown words at their file, line and column,
with suggestions; the firm's words, names, ids, figures and markup never flagged."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from example_project import EXAMPLE, REPO, ExampleProject, line_of

from generator.errors import Diagnostic
from generator.source import hunspell
from generator.source.firm import Firm
from generator.source.hunspell import Dictionary, SpellingUnavailable
from generator.source.project import load_assignment, load_firm
from generator.source.prose import Lines, Prose, mask_markdown
from generator.source.spelling import Accepted, SpellCheck, occurrences

pytestmark = pytest.mark.skipif(
    not shutil.which("hunspell") or not Path("/usr/share/hunspell/nl_BE.dic").exists(),
    reason="needs the hunspell program and hunspell-nl (`.ci/run` installs them)")

REPO_FIRM = load_firm(REPO)


def spell(example: ExampleProject, firm: Firm = REPO_FIRM) -> list[Diagnostic]:
    return SpellCheck(firm).check(example.folder, "nl")


def where(path: Path, word: str) -> tuple[int, int]:
    """The line and column of `word` as it stands in the file."""
    text = path.read_text(encoding="utf-8")
    line = line_of(text, word)
    return line, text.splitlines()[line - 1].index(word) + 1


def the_warning(diagnostics: list[Diagnostic], word: str) -> Diagnostic:
    listing = "\n".join(map(str, diagnostics))
    assert [d.message for d in diagnostics] == [f"unknown word {word!r}"], listing
    assert not diagnostics[0].is_error
    return diagnostics[0]


def test_a_typo_in_a_yaml_value_is_named_at_its_column_with_suggestions(
        example: ExampleProject) -> None:
    example.edit("Ziekteverzuim in het magazijn terugdringen",
                 "Ziekteverzuim in het magazjin terugdringen")
    warning = the_warning(spell(example), "magazjin")
    location = warning.location
    assert location.file == example.yaml
    assert (location.line, location.column) == where(example.yaml, "magazjin")
    assert "did you mean 'magazijn'" in warning.hint
    assert "add it to `words:` in firm.yaml" in warning.hint


@pytest.mark.parametrize(("old", "new"), [
    ("title: Herstructurering van de logistieke afdeling",
     'title: "Her\\u0073tructurering \\"van\\" de\\tlogistike afdeling"'),
    ("title: Herstructurering van de logistieke afdeling",
     "title: 'Herstructurering ''van'' de logistike afdeling'"),
    ("title: Herstructurering van de logistieke afdeling",
     "title: >-\n  Herstructurering van de\n    logistike afdeling"),
    ("title: Herstructurering van de logistieke afdeling",
     "title: Herstructurering van\n  de logistike afdeling"),
    ("De logistieke afdeling van De Linde", "De logistike afdeling van De Linde"),  # literal |
    ("(wel: mee selecteren)", "(wel: mee logistike selecteren)"),  # a sentence YAML reads as a key
], ids=["double-quoted", "single-quoted", "folded", "plain-lines", "literal", "prose-item"])
def test_the_column_is_exact_in_every_kind_of_scalar(example: ExampleProject, old: str,
                                                     new: str) -> None:
    example.edit(old, new)
    warning = the_warning(spell(example), "logistike")
    assert (warning.location.line, warning.location.column) == where(example.yaml, "logistike")
    assert "'logistieke'" in warning.hint


def test_a_typo_in_an_included_markdown_file_and_no_markup_flagged(
        example: ExampleProject) -> None:
    summary = example.folder / "analyse.md"
    text = summary.read_text(encoding="utf-8").replace("**veertien interviews**",
                                                       "**veertien intervieuws**")
    summary.write_text(text + "\nZie `xqzt_pluk` en [het verslag](https://x.example/qwrtz "
                       "\"Qwrtz\"){.klein} met voetnoot[^zxq].\n\n```\nxyzzy plugh\n```\n\n"
                       "    qwerty asdf\n\n::: style Zqxw\nTekst\n:::\n\n"
                       "[^zxq]: Een noot &amp; meer, <https://zzz.example/qqq>.\n",
                       encoding="utf-8")
    warning = the_warning(spell(example), "intervieuws")
    assert warning.location.file.name == "analyse.md"
    assert (warning.location.line, warning.location.column) == where(summary, "intervieuws")
    assert "'interviews'" in warning.hint


def test_the_firms_words_are_accepted(example: ExampleProject) -> None:
    example.edit("Ziekteverzuim in het magazijn terugdringen",
                 "Magazjin en ziekteverzuim terugdringen in het magazjin")
    assert len(spell(example)) == 2
    assert spell(example, Firm(name="Coverton", words=[*REPO_FIRM.words, "magazjin"])) == []


def test_names_of_people_client_and_firm_are_accepted(example: ExampleProject) -> None:
    example.edit("name: Jan Peeters", "name: Jan Ghysbrecht")
    example.edit("name: De Linde Distributie NV", "name: Linqvest Distributie NV")
    example.edit("Zichtbare steun van de CEO",
                 "Zichtbare steun van Ghysbrecht bij Linqvest en van Xhonneux")
    firm = Firm(name="Coverton", words=REPO_FIRM.words,
                signatory={"name": "Katrien Xhonneux", "role": "Partner"})
    assert spell(example, firm) == []
    unsigned = Firm(name="Interim", words=REPO_FIRM.words)
    assert [d.message for d in spell(example, unsigned)] == ["unknown word 'Xhonneux'"]


def test_an_amended_value_is_checked_and_an_id_in_it_is_not(example: ExampleProject) -> None:
    example.edit("        milestones.M2.due: 2027-03-26",
                 "        milestones.M2.due: 2027-03-26\n        milestones.M2.owner: smertens\n"
                 "        milestones.M2.title: Scannergestuurd picken in hal A en hal B\n"
                 "        risks.1.mitigation: Ervaren pickers als peter of meter inzettten")
    warning = the_warning(spell(example), "inzettten")
    assert (warning.location.line, warning.location.column) == where(example.yaml, "inzettten")


def test_every_assignment_of_the_repository_passes() -> None:
    """No false positives: the example and the other assignments, with the repository's firm."""
    check = SpellCheck(REPO_FIRM)
    folders = sorted((REPO / "assignments").iterdir())
    assert EXAMPLE in folders and len(folders) >= 3
    for folder in folders:
        language = load_assignment(folder).assignment.language
        assert check.check(folder, language) == [], folder.name


def judged(text: str) -> list[str]:
    return [o.word for o in occurrences(Prose(Lines(Path("x.md"), text), text,
                                              list(range(len(text)))))]


def test_what_is_not_a_word_to_judge() -> None:
    assert judged("De CEO o.a. en t.a.v. 12 km, 4,2 % en 10m; Q1 M2 KPI's 3e "
                  "info@x.example https://x.example/abc www.x.example snake_case "
                  "HR-manager auto's (zie) ‘logistiek’ en/of") == [
        "De", "en", "en", "HR-manager", "auto's", "zie", "logistiek", "en", "of"]


def test_markdown_markup_is_blanked_in_place() -> None:
    text = "Zie `code` en [tekst](https://a.example/b){width=2cm} ok[^1].\n::: style X\n"
    masked = mask_markdown(text, blocks=False)
    assert len(masked) == len(text)
    assert masked.split() == ["Zie", "en", "[tekst]", "ok", "."]


def test_accepted_words_follow_the_case_they_are_listed_in() -> None:
    accepted = Accepted(["picken", "SharePoint", "De Linde"])
    assert {"picken", "Picken", "PICKEN", "SharePoint", "Linde", "De", "Linde's"} <= \
        {w for w in ("picken", "Picken", "PICKEN", "SharePoint", "Linde", "De", "Linde's")
         if w in accepted}
    assert "sharepoint" not in accepted and "pIcken" not in accepted


def test_a_dutch_compound_of_known_words_passes_a_broken_one_does_not(
        example: ExampleProject) -> None:
    example.edit("Zichtbare steun van de CEO",
                 "Zichtbare steun bij het orderpickproces en de leveringsfoutens")
    assert [d.message for d in spell(example)] == ["unknown word 'leveringsfoutens'"]


def test_a_missing_dictionary_names_the_package_once(example: ExampleProject,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(hunspell.DICTIONARIES, "nl", Dictionary("xx_XX", "hunspell-xx", "Dutch"))
    check = SpellCheck(REPO_FIRM)
    with pytest.raises(SpellingUnavailable) as info:
        check.check(example.folder, "nl")
    assert str(info.value) == ("no Hunspell dictionary for Dutch (xx_XX): install it with "
                               "`sudo apt-get install hunspell-xx`")
    assert check.check(example.folder, "nl") == []  # said once


def test_a_missing_program_names_the_packages(example: ExampleProject, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(SpellingUnavailable, match=r"sudo apt-get install hunspell hunspell-nl"):
        SpellCheck(REPO_FIRM).check(example.folder, "nl")


def test_plain_validate_loads_no_spell_check(example: ExampleProject) -> None:
    probe = ("import sys; from generator.cli import main\n"
             "try: main(['validate'])\nexcept SystemExit: pass\n"
             "print(sorted(m for m in sys.modules if m.startswith('generator.source.')"
             " and m.rsplit('.', 1)[1] in ('spelling', 'hunspell', 'prose')))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, cwd=example.root,
                         env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}).stdout
    assert out.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize(("language", "right", "wrong"), [
    ("nl", ["magazijn", "auto’s"], "magazjin"),
    ("en", ["organisation", "client’s"], "recieve"),
    ("fr", ["entreprise", "l’entreprise"], "entreprize"),
])
def test_each_language_judges_with_its_dictionary(language: str, right: list[str],
                                                  wrong: str) -> None:
    if not Path(f"/usr/share/hunspell/{hunspell.DICTIONARIES[language].name}.dic").exists():
        pytest.skip(f"needs {hunspell.DICTIONARIES[language].package}")
    checker = hunspell.Hunspell(language)
    assert checker.unknown([*right, wrong]) == {wrong}
    assert checker.suggestions([wrong])[wrong]  # at least one suggestion


FRENCH = REPO / "tests" / "fixtures" / "tilleul-logistique-2027"
needs_french = pytest.mark.skipif(not Path("/usr/share/hunspell/fr_BE.dic").exists(),
                                  reason="needs hunspell-fr (`.ci/run` installs it)")


def french_copy(tmp_path: Path, old: str, new: str) -> Path:
    """The French fixture (it writes "l'interim manager") with `old` replaced by `new`;
    returns its assignment.yaml."""
    folder = tmp_path / "assignments" / FRENCH.name
    shutil.copytree(FRENCH, folder)
    source = folder / "assignment.yaml"
    text = source.read_text(encoding="utf-8")
    assert old in text, old
    source.write_text(text.replace(old, new, 1), encoding="utf-8")
    return source


ELIDED = "l'interim manager en simple coach"


@needs_french
def test_french_elisions_are_judged_without_their_article(tmp_path: Path) -> None:
    """`l'interim` is the firm's `interim` after `l'`: Hunspell's French dictionary knows
    `l'analyse` but not `l'interim`; each elided article and pronoun, either apostrophe."""
    source = french_copy(tmp_path, ELIDED, f"{ELIDED}. L'interim d'abord, qu'il coache "
                         "jusqu'au bout, lorsqu'il faut, c’est l’interim qu’on n'oublie pas, "
                         "aujourd'hui")
    assert SpellCheck(REPO_FIRM).check(source.parent, "fr") == []


@needs_french
@pytest.mark.parametrize(("typed", "word", "suggested"), [
    ("après l'anlyse des erreurs", "anlyse", "analyse"),  # a typo behind an elision
    ("après l’anlyse des erreurs", "anlyse", "analyse"),
    ("après une analyse des ereurs", "ereurs", "erreurs"),
])
def test_a_french_typo_is_named_at_its_line_and_column(tmp_path: Path, typed: str, word: str,
                                                      suggested: str) -> None:
    source = french_copy(tmp_path, ELIDED, f"{ELIDED}, {typed}")
    warning = the_warning(SpellCheck(REPO_FIRM).check(source.parent, "fr"), word)
    assert warning.location.file == source
    assert (warning.location.line, warning.location.column) == where(source, word)
    assert f"'{suggested}'" in warning.hint


def test_dutch_apostrophes_are_judged_whole(example: ExampleProject) -> None:
    """A Dutch plural or possessive with an apostrophe is one word (`auto's`, `foto’s`), and
    no French elision is taken off in Dutch."""
    example.edit("Ziekteverzuim in het magazijn terugdringen",
                 "Ziekteverzuim in het magazijn terugdringen, met de auto's, foto’s en "
                 "menu's van de CFO's en KPI’s, zo'n tien")
    assert spell(example) == []
    example.edit("de auto's", "de atuo's")
    assert the_warning(spell(example), "atuo's")
