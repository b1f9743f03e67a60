"""The French documents (`language: fr`, fr-BE) as a Brussels CFO reads them.

tests/fixtures/tilleul-logistique-2027 is the reference example written in French, every
phase reached; it is built once here with the repository's firm.yaml and each document is
opened with python-docx (and, marked `libreoffice`, converted by LibreOffice). Its user
text is typed with straight apostrophes and quotes and some punctuation glued to the
word on purpose: the documents must show French typography all the same.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from docx_reading import EPOCH, ROOT, build_loaded, fixture_project, source_date_epoch

from generator.delivery.build import Builder, plan
from generator.delivery.pdf import export_pdfs, find_soffice
from generator.delivery.properties import LANGUAGE_TAGS
from generator.documents.templating import LOCALES, Formatter
from generator.source.languages import LANGUAGES
from generator.source.project import load_assignment, load_firm

FRENCH = "tilleul-logistique-2027"
N = "\u202f"  # narrow no-break space
KINDS = ("proposal", "action-plan", "handbook", "progress-2027-02-19", "progress-2027-04-02",
         "handover")


def project(base: Path) -> Path:
    """A documents repository at `base` with the French assignment; its folder."""
    return fixture_project(base, FRENCH)


@pytest.fixture(scope="module")
def french(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("french")
    folder = project(base)
    with source_date_epoch(EPOCH):
        built = build_loaded(load_assignment(folder), base / "build")
    return {name.removesuffix(".docx"): path for name, path in built.items()}


def proposal_of(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    """The proposal of a copy of the French assignment with each (old, new) text replaced."""
    folder = project(tmp_path)
    source = folder / "assignment.yaml"
    text = source.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    source.write_text(text, encoding="utf-8")
    with source_date_epoch(EPOCH):
        return build_loaded(load_assignment(folder), tmp_path / "build",
                            only=("proposal",))["proposal.docx"]


def lines(path: Path) -> list[str]:
    """Every paragraph a reader sees, body and table cells, no-break spaces kept."""
    document = docx.Document(str(path))
    found = [p.text for p in document.paragraphs]
    for table in document.tables:
        found += [cell.text for row in table.rows for cell in row.cells]
    return found


def plain(text: str) -> str:
    """The text with its no-break spaces (not the narrow ones) read as spaces."""
    return text.replace("\u00a0", " ")


def table_rows(path: Path, first: str, second: str = "") -> list[list[str]]:
    """The rows of the table whose first cell is `first` (and whose second starts with
    `second`), no-break spaces as spaces."""
    for table in docx.Document(str(path)).tables:
        rows = [[plain(c.text) for c in row.cells] for row in table.rows]
        if rows and rows[0][0] == first and rows[0][1:2] and rows[0][1].startswith(second):
            return rows
    raise AssertionError(f"no table starting with {first!r} in {path.name}")


def test_every_french_document_is_built(french: dict[str, Path]) -> None:
    assert sorted(french) == sorted(KINDS)
    titles = {kind: plain(docx.Document(str(path)).core_properties.title)
              for kind, path in french.items()}
    assert titles == {"proposal": "Proposition de mission",
                      "action-plan": "Analyse et plan d’action",
                      "handbook": "Manuel de mission",
                      "progress-2027-02-19": "Rapport d’avancement 19 février 2027",
                      "progress-2027-04-02": "Rapport d’avancement 2 avril 2027",
                      "handover": "Rapport d’évaluation et de passation"}


def test_the_proposal_reads_in_french(french: dict[str, Path]) -> None:
    text = [plain(t) for t in lines(french["proposal"])]
    for heading in ("Contexte et situation", "Périmètre de la mission", "Attentes du client",
                    "À propos de Coverton Interim Management SRL", "Conditions commerciales",
                    "Bon pour accord"):
        assert heading in text, heading
    assert f"Établi pour{N}: Distribution Le Tilleul SA, Rue de l’Industrie 14, 1400 Nivelles" \
        in text
    assert "À l’attention de Geneviève Dewit (Administratrice déléguée)" in text
    assert f"Premier entretien{N}: 20 novembre 2026." in text
    fee = next(t for t in text if t.startswith("Charge de travail estimée"))
    assert fee == (f"Charge de travail estimée{N}: 93,5 jours. 4 jours par semaine du 11 janvier "
                   f"au 25 juin 2027{N}: 120 jours ouvrables moins 3 jours fériés (lundi de "
                   "Pâques, Ascension, lundi de Pentecôte) = 117, × 4/5 = 93,5 jours. Les jours "
                   f"ouvrables vont du lundi au vendredi{N}; sont déduits les jours fériés "
                   "légaux (Belgique).")
    rows = table_rows(french["proposal"], "Tarif journalier")
    assert rows == [["Tarif journalier", f"1{N}050,00 €"],
                    ["Honoraires hors TVA (93,5 × 1 050,00 €)".replace(" 050", f"{N}050"),
                     f"98{N}175,00 €"],
                    ["TVA 21 %", f"20{N}616,75 €"],
                    ["Total TVA comprise", f"118{N}791,75 €"]]
    terms = dict(r for r in table_rows(french["proposal"], "Facturation") if len(r) == 2)
    assert terms["Paiement"] == "À 30 jours date de facture"
    assert terms["Conditions générales"] == ("Les Conditions générales de Coverton Interim "
                                             "Management SRL (version 2026) sont d’application")
    assert terms["Offre valable jusqu’au"] == "15 décembre 2026"
    # an amount in the terms without cents (whole), the fee lines above with them; no
    # "auprès de AXA", which French elides
    assert terms["Responsabilité civile professionnelle"] == (
        f"Couverte par AXA Belgium, police n° 730.123.456, à concurrence de 2{N}500{N}000 €")
    assert terms["Responsabilité des dirigeants (D&O)"].endswith(f"5{N}000{N}000 €")
    position = dict(r for r in table_rows(french["proposal"], "Fonction") if len(r) == 2)
    assert position["Pouvoir de signature jusqu’à"] == f"25{N}000 €"
    assert "Soumet pour décision" in " ".join(text)


@pytest.mark.parametrize(("country", "vat_number", "mention"), [
    ("IE", "IE6388047V", f"Autoliquidation{N}: la TVA est due par le client, numéro de TVA "
     f"IE6388047V (article 21, § 2, du Code de la TVA{N}; article 196 de la directive "
     "2006/112/CE)."),
    ("US", None, f"Opération non soumise à la TVA belge{N}: le client est établi hors de "
     f"l’Union européenne (article 21, § 2, du Code de la TVA{N}; article 44 de la directive "
     "2006/112/CE)."),
])
def test_a_client_abroad_reads_the_vat_mention_in_french(tmp_path: Path, country: str,
                                                         vat_number: str | None,
                                                         mention: str) -> None:
    proposal = proposal_of(tmp_path, ("  country: BE", f"  country: {country}"),
                           ("    vat_percent: 21\n", ""),
                           ("  vat_number: BE0123.456.749\n",
                            f"  vat_number: {vat_number}\n" if vat_number else ""))
    text = [plain(t) for t in lines(proposal)]
    assert mention in text
    rows = table_rows(proposal, "Tarif journalier")
    assert [r[0] for r in rows] == ["Tarif journalier", "Honoraires hors TVA (93 × 1 050,00 €)"
                                    if country == "US" else rows[1][0], "Total"]
    assert not any(r[0].startswith("TVA") for r in rows)


def test_signature_blocks_name_both_parties(french: dict[str, Path]) -> None:
    for kind in ("proposal", "handbook", "handover"):
        head = table_rows(french[kind], "", "Pour ")[0]
        assert head == ["", "Pour Distribution Le Tilleul SA",
                        "Pour Coverton Interim Management SRL"], kind


@pytest.mark.parametrize("kind", KINDS)
def test_the_firm_is_named_with_its_french_legal_form(french: dict[str, Path], kind: str) -> None:
    """firm.yaml names the firm per language (`name: {nl: ... BV, fr: ... SRL}`) and gives the
    signatory's role per language: a French reader never sees the Dutch legal form."""
    text = " ".join(plain(t) for t in lines(french[kind]))
    with zipfile.ZipFile(french[kind]) as package:
        app = package.read("docProps/app.xml").decode("utf-8")
        footer = " ".join(package.read(n).decode("utf-8") for n in package.namelist()
                          if n.startswith("word/footer"))
    assert "<Company>Coverton Interim Management SRL</Company>" in app
    assert "Coverton Interim Management SRL · TVA" in footer
    assert "Management BV" not in text + footer and "Managing" not in text
    if kind in ("proposal", "handbook", "handover"):
        assert table_rows(french[kind], "", "Pour ")[1][2] == "Katrien Verbeke (Associée gérante)"


def test_a_firm_named_once_still_prints_that_name(tmp_path: Path) -> None:
    """The earlier firm.yaml (one name, one role) keeps building: archives stay buildable."""
    folder = project(tmp_path)
    firm = tmp_path / "firm.yaml"
    text = firm.read_text(encoding="utf-8")
    start, end = text.index("name:"), text.index("address:")
    text = text[:start] + "name: Coverton Interim Management BV\n" + text[end:]
    text = re.sub(r"role: \{[^}]*\}", "role: Managing partner", text)
    firm.write_text(text, encoding="utf-8")
    loaded = load_assignment(folder)
    with source_date_epoch(EPOCH):
        job = plan(loaded, ("proposal",)).jobs[0]
        proposal = Builder(load_firm(tmp_path), root=tmp_path).write(job, tmp_path / "build")
    assert table_rows(proposal, "")[:2] == [
        ["", "Pour Distribution Le Tilleul SA", "Pour Coverton Interim Management BV"],
        ["Nom", "Geneviève Dewit (Administratrice déléguée)",
         "Katrien Verbeke (Managing partner)"]]


def test_labels_dates_and_status_lines(french: dict[str, Path]) -> None:
    plan = [plain(t) for t in lines(french["action-plan"])]
    assert (f"Statut{N}: approuvé par Geneviève Dewit (Administratrice déléguée) le 1er février "
            "2027, version 1.1.") in plan
    progress = [plain(t) for t in lines(french["progress-2027-02-19"])]
    assert "Point d’avancement, 19 février 2027" in progress
    assert f"À surveiller – Scanners livrés une semaine trop tard{N}; M2 glisse" in " ".join(
        progress)
    assert "Menacé" in progress and "Réalisé" in progress
    assert any(t.startswith("23 jours prestés sur 93,5 jours estimés (25 %). "
                            f"12{N}600,00 € facturés sur 98{N}175,00 €, hors TVA (13 %).")
               for t in progress)
    gate = [plain(t) for t in lines(french["progress-2027-04-02"])]
    assert any(t.startswith(f"Décision de passage de phase{N}: Feu vert sous conditions. "
                            f"Conditions{N}: Tous les responsables formés") for t in gate)
    handover = [plain(t) for t in lines(french["handover"])]
    assert "Prêt, avec accompagnement" in handover
    assert "Non, au plus tard le 25 juin 2027" in handover
    assert f"Critère de sortie non rempli{N}: Erreurs de livraison ≤ 1,5 % trois mois d’affilée." \
        in handover


def test_user_text_gets_french_typography(french: dict[str, Path]) -> None:
    """Typed "Que faire? Stabiliser d'abord: c'est ..." and "un court "stand-up""."""
    text = [plain(t) for t in lines(french["proposal"])]
    assert any(f"Que faire{N}? Stabiliser d’abord{N}: c’est la demande" in t for t in text)
    assert any(f"un court «{N}stand-up{N}» quotidien" in t for t in text)
    assert any(f"Entreprise familiale aux lignes courtes{N}; les décisions" in t for t in text)


@pytest.mark.parametrize("kind", KINDS)
def test_no_french_document_keeps_english_typography(french: dict[str, Path], kind: str) -> None:
    """No straight apostrophe or quote, no ordinary space before ; : ! ? », and a narrow
    no-break space wherever one of them follows a word."""
    for text in lines(french[kind]):
        assert "'" not in text and '"' not in text, text
        assert not re.search(r"[ \u00a0][;:!?»]", text), text
        assert not re.search(r"\w[;!?»]|\w:(\s|$)|«\S", text), text


def test_every_language_has_its_terms_locale_and_scaffold() -> None:
    """One list of languages: each has a locale, a terms file with the keys of every other
    (a key only in nl/en/fr would fail a document of the others), and a scaffold."""
    assert tuple(LOCALES) == tuple(LANGUAGE_TAGS) == LANGUAGES
    def keys(data: dict, prefix: str = "") -> set[str]:
        found = set()
        for key, value in data.items():
            found.add(prefix + key)
            if isinstance(value, dict):
                found |= keys(value, f"{prefix}{key}.")
        return found
    terms = {language: keys(yaml.safe_load((ROOT / "templates" / language / "terms.yaml")
                                           .read_text("utf-8"))) for language in LANGUAGES}
    for language in LANGUAGES:
        assert terms[language] == terms["nl"], (language, terms[language] ^ terms["nl"])


def test_french_formats_are_babels_fr_be() -> None:
    fmt = Formatter("fr")
    import datetime
    assert plain(fmt.date(datetime.date(2027, 1, 11))) == "11 janvier 2027"
    assert plain(fmt.date(datetime.date(2027, 2, 1))) == "1er février 2027"
    assert plain(fmt.date(datetime.date(2027, 2, 1), "medium")) == "1er févr. 2027"
    assert fmt.money(1250) == f"1{N}250,00\u00a0€"
    assert fmt.percent(21) == "21\u00a0%"
    assert fmt.month_names()[:3] == ["janv.", "févr.", "mars"]


@pytest.mark.libreoffice
@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_converts_every_french_document(french: dict[str, Path],
                                                    tmp_path: Path) -> None:
    copies = [Path(shutil.copy(path, tmp_path / path.name)) for path in french.values()]
    pdfs = export_pdfs(copies, timeout=300)
    for pdf in pdfs:
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "Distribution Le Tilleul SA" in text, pdf.name
    proposal = subprocess.run(["pdftotext", str(tmp_path / "proposal.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
    assert "Proposition de mission" in proposal and "Bon pour accord" in proposal
