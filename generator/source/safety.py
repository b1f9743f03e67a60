"""Paths and text a document may hold, below every layer that needs them.

The source layer (includes, control characters in YAML), the rules and the writer
(links, pictures) refuse the same things the same way, and none of them needs the
Markdown parser for it.
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse
from pathlib import Path

FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
"""Characters XML 1.0 forbids: Word calls a file holding them corrupt. Refused at their line."""

def invisible_character(text: str) -> str | None:
    """"U+202E RIGHT-TO-LEFT OVERRIDE" for the first invisible format character (Unicode's
    category Cf: bidirectional controls, zero-width spaces and joiners, soft hyphens), or None.

    Refused in ids: two ids that look alike must be the same id, and U+202E would show
    `gdewit` as `tiwedg`.
    """
    for char in text:
        if unicodedata.category(char) == "Cf":
            return f"U+{ord(char):04X} {unicodedata.name(char, 'format character')}"
    return None


ALLOWED_SCHEMES = ("http", "https", "mailto", "tel")
"""Links a client document may hold, besides `#anchors`: all else is refused at its line.
A deny-list always misses one (`ms-msdt:`, `search-ms:`, `smb://`, `\\\\host\\share`)."""
LINK_HINT = "use http(s): or mailto: links, tel: numbers or #anchors in the document only"
_SCHEME_RE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.\-]*):")


def forbidden_character(text: str) -> tuple[int, str] | None:
    """(1-based line, "U+0007") of the first character a document may not hold, or None."""
    bad = FORBIDDEN_CHARS.search(text)
    if bad is None:
        return None
    return text.count("\n", 0, bad.start()) + 1, f"U+{ord(bad.group()):04X}"


def refused_scheme(href: str) -> str | None:
    """What makes a link unacceptable (`ms-msdt`, `a network path`, `a relative address`),
    judged as a browser would (percent-decoded, blanks and control characters removed);
    None for an http(s), mailto or tel address or an in-document `#anchor`."""
    decoded = "".join(ch for ch in urllib.parse.unquote(href) if ch > " ")
    if decoded.startswith("#"):
        return None
    if "\\" in decoded or decoded.startswith("//"):
        return "a network path"
    match = _SCHEME_RE.match(decoded)
    if match is None:
        return "a relative address"
    scheme = match.group(1).lower()
    if scheme not in ALLOWED_SCHEMES:
        return scheme
    if scheme.startswith("http") and not re.match(r"https?://[^/]", decoded, re.IGNORECASE):
        return f"{scheme} without a host"
    if scheme == "mailto":
        return _refused_mail_field(decoded)
    return None


MAIL_FIELDS = ("to", "cc", "bcc", "subject", "body")
"""What a mailto link may fill in: the addressees, the subject and the text, all of which
the reader sees before sending (RFC 6068). Anything else is refused: `attach=/etc/passwd`
makes some mail programs attach a file of the reader's own disk, other headers hide."""


def _refused_mail_field(address: str) -> str | None:
    query = address.partition("?")[2]
    for field in re.split(r"[&;]", query) if query else ():
        name = field.partition("=")[0].strip().lower()
        if name not in MAIL_FIELDS:
            return f"mailto field {name[:30]!r}: a mail link may fill in only " \
                   + ", ".join(MAIL_FIELDS)
    return None


def is_url(target: str) -> bool:
    """A picture given as an address (`https:`, `//host`): pictures are never downloaded."""
    return bool(_SCHEME_RE.match(target)) or target.startswith("//")


def resolve_inside(root: Path, name: str) -> Path | None:
    """`name` relative to `root`, symlinks followed; None when it would leave `root`.

    Includes, pictures and the firm's files all stay inside their folder this one way.
    """
    candidate = Path(name)
    if candidate.is_absolute() or "\\" in name:
        return None
    root = root.resolve()
    resolved = (root / candidate).resolve()
    if resolved != root and root not in resolved.parents:
        return None
    return resolved
