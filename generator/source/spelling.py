"""The spell check of `interim validate --spell`: each unknown word of an assignment's prose,
at its file, line and column, with Hunspell's suggestions. Warnings only: a name or a
term of the trade the dictionary lacks is no error, and the firm's word list
(`firm.yaml` `words:`) accepts it from then on.

What is not judged: words of names and addresses (people, the client, the firm), ids,
words joined to a figure (`10m`, `Q1`, `M2`) and a short unit after a number (`12 km`),
abbreviations with dots (`o.a.`, `e.g.`), acronyms in capitals (`CEO`, `WMS`), e-mail and
web addresses, code and file names. A hyphenated word is right when the dictionary
knows it whole or knows each of its parts (`HR-manager`); in Dutch a closed compound is
right when it splits into two or three known words of four letters or more, a linking
`s` or `e(n)` allowed between them (`scannergestuurd`, `orderpickproces` with `pick` in
the firm's words): no dictionary lists every compound, and the check cannot judge a
linking `s`. In French an elided article or pronoun (`l'`, `qu'`) is taken off a word
before it is judged (ELISIONS).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.errors import Diagnostic, Level
from generator.source.firm import Firm
from generator.source.hunspell import Hunspell, SpellingUnavailable
from generator.source.per_language import every_language
from generator.source.prose import Prose, assignment_prose

WORD = re.compile(r"[^\W\d_]+(?:['’.\-][^\W\d_]+)*")
"""Letters, joined by an apostrophe, a dot or a hyphen (`auto's`, `o.a.`, `HR-manager`)."""
_CHUNK = re.compile(r"\S+")
_NOT_PROSE = re.compile(r"@|://|^www\.|_|^[/\\~]")
"""Chunks that are addresses, e-mail, code names or paths, not words."""
_NUMBER = re.compile(r"[-+±≤≥<>~€$]*\d[\d.,]*")
MAX_UNIT = 3
"""Letters of a unit right after a number (`km`, `kg`, `uur` is a word anyway)."""
COMPOUNDING = frozenset({"nl"})
"""Languages that write compounds as one word, beyond what their dictionary lists."""
MIN_COMPOUND, MIN_PART, MAX_PARTS = 8, 4, 3
LINKS = ("en", "s", "e")
"""Dutch linking sounds a compound's part may end with (`leverings|fouten`)."""
WORDS_HINT = "if it is right, add it to `words:` in firm.yaml"
ELISIONS = {"fr": re.compile(r"(?:l|d|qu|n|s|j|m|t|c|jusqu|lorsqu|puisqu|quoiqu|presqu)['’]"
                             r"(?=[^\W\d_])", re.IGNORECASE)}
"""The words a language elides before a vowel (`l'interim`, `qu'il`, `jusqu'au`). Hunspell's
French dictionary knows `l'analyse` through them, but neither a word only the firm lists
(`l'interim`) nor a name: the word is judged without them, and a typo named at its own
column (`anlyse` in `l'anlyse`). `aujourd'hui` or `prud'homme` are words of their own."""


@dataclass(frozen=True)
class Occurrence:
    word: str
    prose: Prose
    index: int
    abbreviated: bool
    """Followed by a dot: `etc.` is tried with its dot too."""


class Accepted:
    """Words that are right whatever the dictionary says: the firm's, names, ids.

    A word listed in lowercase is accepted with a capital first letter and in capitals too
    (a sentence's first word); one listed with capitals (`SharePoint`) only as listed. A
    name is accepted with a possessive `'s` (`Peeters’s`, `Jan's`).
    """

    def __init__(self, entries: Iterable[str]) -> None:
        self.exact: set[str] = set()
        self.folded: set[str] = set()
        for entry in entries:
            for word in WORD.findall(entry):
                (self.folded if word == word.lower() else self.exact).add(word)

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        stem = re.sub(r"['’]s$", "", word)
        return any(w in self.exact or (w.lower() in self.folded
                                       and (w[1:] == w[1:].lower() or w.isupper()))
                   for w in {word, stem})


def occurrences(prose: Prose, language: str = "") -> Iterator[Occurrence]:
    """The words of a text the dictionary should judge, at their place (in French without
    an elided article or pronoun: `l'interim` is judged as `interim`)."""
    text, elision = prose.text, ELISIONS.get(language)
    previous = ""
    for chunk in _CHUNK.finditer(text):
        if _NOT_PROSE.search(chunk.group()):
            previous = chunk.group()
            continue
        for match in WORD.finditer(text, chunk.start(), chunk.end()):
            start, end, word = match.start(), match.end(), match.group()
            elided = elision.match(word) if elision else None
            if elided:
                start, word = start + elided.end(), word[elided.end():]
            after = text[end] if end < len(text) else ""
            if _not_judged(word, text[start - 1] if start else "", after):
                continue
            if start == chunk.start() and len(word) <= MAX_UNIT \
                    and _NUMBER.fullmatch(previous):
                continue  # a unit: `12 km`
            yield Occurrence(word, prose, start, after == ".")
        previous = chunk.group()


def _not_judged(word: str, before: str, after: str) -> bool:
    return (len(word) < 2 or before.isdigit() or after.isdigit()  # `10m`, `Q1`, `M2`
            or "." in word  # `o.a.`, `e.g.`, `t.a.v.`
            or _capitals(word))


def _capitals(word: str) -> bool:
    """An acronym (`CEO`, `WMS`, `KPI's`): capitals only, a plural or possessive `s` aside."""
    letters = re.sub(r"['’]?s$", "", word)
    return len(letters) >= 2 and letters.isupper()


class SpellCheck:
    """The spell check of a documents repository: the firm's words, one dictionary a language.

    `check` raises `SpellingUnavailable` (a GeneratorError) when a language's dictionary or
    the program is missing, once: later assignments in that language give no warnings,
    the user has been told what to install.
    """

    def __init__(self, firm: Firm) -> None:
        signatory = [firm.signatory.name] if firm.signatory else []
        self.firm_words = [*firm.words, *every_language(firm.name), firm.address or "",
                           *signatory]
        self.dictionaries: dict[str, Hunspell] = {}
        self.failed: set[str] = set()

    def check(self, folder: Path, language: str) -> list[Diagnostic]:
        """One assignment's unknown words, as located warnings with suggestions."""
        if language in self.failed:
            return []
        found = assignment_prose(folder)
        accepted = Accepted([*self.firm_words, *found.names])
        words = [o for prose in found.prose for o in occurrences(prose, language)
                 if o.word not in accepted]
        try:
            hunspell = self.dictionaries.setdefault(language, Hunspell(language))
            unknown = _unknown(hunspell, words, accepted, language in COMPOUNDING)
            suggestions = hunspell.suggestions(unknown)
        except SpellingUnavailable:
            self.failed.add(language)
            raise
        warnings = []
        for o in words:
            if o.word in unknown:
                offered = suggestions.get(o.word) or []
                hint = (f"did you mean {', '.join(repr(s) for s in offered)}? " if offered
                        else "check it; ") + WORDS_HINT
                warnings.append(Diagnostic(o.prose.locate(o.index), f"unknown word {o.word!r}",
                                           hint, Level.WARNING))
        return sorted(warnings, key=lambda d: d.location)


def _unknown(hunspell: Hunspell, words: list[Occurrence], accepted: Accepted,
             compounding: bool) -> set[str]:
    """The words neither the dictionary, their parts nor (Dutch) their compounds explain."""
    parts = {w.word: [p for p in w.word.split("-") if p not in accepted
                      and not _not_judged(p, "", "")] for w in words if "-" in w.word}
    dotted = {f"{w.word}." for w in words if w.abbreviated}
    asked = {w.word for w in words} | {p for ps in parts.values() for p in ps} | dotted
    missing = hunspell.unknown(asked)
    unknown = {w.word for w in words
               if w.word in missing and (f"{w.word}." in missing or not w.abbreviated)}
    unknown -= {word for word, ps in parts.items() if not set(ps) & missing}
    if compounding:
        unknown -= _compounds(hunspell, {w for w in unknown if "-" not in w}, accepted)
    return unknown


def _compounds(hunspell: Hunspell, words: set[str], accepted: Accepted) -> set[str]:
    """The words that split into known words (at most MAX_PARTS, each MIN_PART letters or
    more, a linking `s`, `e` or `en` allowed between parts)."""
    words = {w for w in words if len(w) >= MIN_COMPOUND and w.isalpha()}
    pieces = {piece for w in words for piece in _pieces(w)}
    missing = hunspell.unknown(p for p in pieces if p not in accepted)

    def known(piece: str) -> bool:
        return piece not in missing or piece in accepted

    return {w for w in words if _splits(w, known)}


def _pieces(word: str) -> Iterator[str]:
    """Every candidate part of a word, with and without a linking sound."""
    for i in range(len(word)):
        for j in range(i + MIN_PART, len(word) + 1):
            yield from _bases(word, i, j)


def _bases(word: str, i: int, j: int) -> list[str]:
    """`word[i:j]` as a part (lowercase but at the start), and, before another part, it less
    a linking sound (`leverings|fouten`; never at the end: `foutens` is no word)."""
    piece = word[i:j] if i == 0 else word[i:j].lower()
    return [piece, *(piece[:-len(link)] for link in LINKS
                     if j < len(word) and piece.endswith(link)
                     and len(piece) - len(link) >= MIN_PART)]


def _splits(word: str, known: Callable[[str], bool]) -> bool:
    """Whether `word` is two or three known parts, by dynamic programming over its letters."""
    fewest: dict[int, int] = {0: 0}  # position -> fewest parts reaching it
    for i in range(len(word)):
        if i not in fewest:
            continue
        for j in range(i + MIN_PART, len(word) + 1):
            if any(known(base) for base in _bases(word, i, j)):
                fewest[j] = min(fewest.get(j, MAX_PARTS + 1), fewest[i] + 1)
    return 2 <= fewest.get(len(word), MAX_PARTS + 1) <= MAX_PARTS
