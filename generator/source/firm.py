"""The firm issuing the documents (`firm.yaml` at the repository's root): who it is, how it
signs, its standing terms; apart from the assignment's model, which never needs it."""

from __future__ import annotations

from generator.source.model import (
    Country,
    GeneralTerms,
    Insurance,
    Language,
    PerLanguage,
    Plain,
    RelativePath,
    VatNumber,
)
from generator.source.records import Record


class StandingTerms(Record):
    """The firm's standing terms (firm.yaml `terms`); an assignment's `intake.terms` overrides
    each one it gives."""

    payment_days: int | None = None
    non_solicitation_months: int | None = None
    general_terms: GeneralTerms | None = None
    insurance: Insurance | None = None


class Signatory(Record):
    """Who signs the documents for the firm (else the interim manager signs)."""

    name: Plain
    role: Plain


class Firm(Record):
    """The firm issuing the documents, from `firm.yaml` at the repository's root."""

    name: Plain
    address: Plain | None = None
    country: Country | None = None  # else its VAT number's country
    vat_number: VatNumber | None = None
    email: Plain | None = None
    phone: Plain | None = None
    website: Plain | None = None
    logo: RelativePath | None = None
    language: Language = "nl"
    brand_template: RelativePath | None = None
    templates: RelativePath | None = None
    footer: PerLanguage | None = None
    signatory: Signatory | None = None
    about: PerLanguage | None = None  # the firm in a few lines (Markdown), in the proposal
    terms: StandingTerms = StandingTerms()
    words: list[Plain] = []  # the spell check accepts them in every assignment (the trade's)

    def footer_for(self, language: str) -> str:
        """The footer line in a document's language ("" when none is given for it)."""
        return in_language(self.footer, language)


def in_language(value: str | dict[str, str] | None, language: str) -> str:
    """A text given once or per language (`PerLanguage`), in one language ("" if none)."""
    return str(value.get(language, "")) if isinstance(value, dict) else value or ""


NEUTRAL_FIRM = Firm(name="Interim Management", language="nl")
