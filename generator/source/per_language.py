"""A text given once for every language or once per language (`{nl: ..., en: ..., fr: ...}`):
a firm's name where its legal form differs (BV / SRL), its signatory's role, its footer and
`about`, the general terms' title. One type reads it, one function prints it, so every such
key behaves the same way in firm.yaml and in an assignment."""

from __future__ import annotations

from typing import Annotated, Any

from generator.source.languages import LANGUAGES
from generator.source.values import Check, Problem


def _per_language(value: Any) -> str | dict[str, str]:
    """One text for every language, or `{nl: ..., en: ..., fr: ...}` (an English document
    must never carry the Dutch footer, a French one the Dutch legal form)."""
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, dict) and value:
        unknown = [str(key) for key in value if key not in LANGUAGES]
        if unknown:
            raise Problem(f"unknown language {', '.join(unknown)}", f"use {', '.join(LANGUAGES)}")
        if all(isinstance(text, str) and text.strip() for text in value.values()):
            return dict(value)
    raise Problem("expected a text, or one text per language",
                  "write one text, or one per language: `{nl: ..., en: ..., fr: ...}`")


PerLanguage = Annotated[Any, Check(_per_language, (
    ("description", "one text, or one per language: {nl: ..., en: ..., fr: ...}"),
    ("anyOf", [{"type": "string", "minLength": 1},
               {"type": "object", "minProperties": 1, "additionalProperties": False,
                "patternProperties": {f"^({'|'.join(LANGUAGES)})$":
                                      {"type": "string", "minLength": 1}}}]),))]
"""Read by `in_language`; the JSON Schema admits a text or a mapping of known languages."""


def in_language(value: str | dict[str, str] | None, language: str,
                default: str | None = None) -> str:
    """A `PerLanguage` value in one language: "" if none is given for it, unless a `default`
    language stands in (then that one's text, else the first given: a name must print)."""
    if not isinstance(value, dict):
        return value or ""
    if language in value or default is None:
        return str(value.get(language, ""))
    return str(value.get(default, next(iter(value.values()))))


def every_language(value: str | dict[str, str] | None) -> list[str]:
    """Each text of a `PerLanguage` value (the spell check accepts a firm's name in all)."""
    if isinstance(value, dict):
        return [str(text) for text in value.values()]
    return [value] if value else []
