"""The firm issuing the documents (`firm.yaml` at the repository's root): who it is, how it
signs, its standing terms; apart from the assignment's model, which never needs it."""

from __future__ import annotations

from generator.source.model import (
    Country,
    GeneralTerms,
    Insurance,
    Language,
    Plain,
    RelativePath,
    VatNumber,
)
from generator.source.per_language import PerLanguage, in_language
from generator.source.records import Record, replace


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
    role: PerLanguage  # "Managing partner" / {nl: Zaakvoerder, fr: Associée gérante}


class Firm(Record):
    """The firm issuing the documents, from `firm.yaml` at the repository's root."""

    name: PerLanguage  # one text, or one per language where the legal form differs (BV / SRL)
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

    def for_language(self, language: str) -> Firm:
        """The firm as a document in `language` names it: its name and its signatory's role
        as plain texts in that language, so that every template (a firm's own too) prints
        `firm.name` and `firm.signatory.role` as before. A language the firm gives no text
        for reads its own language's (`language`), else the first given: a name must print."""
        signatory = self.signatory and replace(
            self.signatory, role=in_language(self.signatory.role, language, self.language))
        return replace(self, name=in_language(self.name, language, self.language),
                       signatory=signatory)


NEUTRAL_FIRM = Firm(name="Interim Management", language="nl")
