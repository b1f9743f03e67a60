"""Do the brand template's fonts resolve on this machine, for LibreOffice's layout?

Without the brand's font, LibreOffice silently lays the text out in another one, with
other widths: lines, pages and the contents page's numbers then differ from Word's,
and narrow table columns break words ("Streefwaar|de"). fontconfig (``fc-match``) says
which installed font LibreOffice will use; for the usual Office fonts a free
metric-compatible twin exists, in a Debian package named here.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from generator.writer.parts import A_NS, style_fonts

# Office font -> (metric-compatible free family, Debian package bringing it)
TWINS: dict[str, tuple[str, str]] = {
    "calibri": ("Carlito", "fonts-crosextra-carlito"),
    "cambria": ("Caladea", "fonts-crosextra-caladea"),
    "arial": ("Liberation Sans", "fonts-liberation2"),
    "helvetica": ("Liberation Sans", "fonts-liberation2"),
    "times new roman": ("Liberation Serif", "fonts-liberation2"),
    "courier new": ("Liberation Mono", "fonts-liberation2"),
    "arial narrow": ("Liberation Sans Narrow", "fonts-liberation"),
}


@dataclass(frozen=True)
class MissingFont:
    """A font the template names that LibreOffice would replace by an unlike one."""

    name: str
    used_instead: str
    package: str | None

    def __str__(self) -> str:
        where = (f"install the Debian package {self.package}, which brings a "
                 f"metric-compatible {TWINS[self.name.lower()][0]}"
                 if self.package else "install the font itself")
        return (f"the brand font '{self.name}' is not installed; LibreOffice would use "
                f"'{self.used_instead}' and lay pages out differently from Word ({where})")


def template_fonts(reference_docx: Path) -> list[str]:
    """Font names the brand template's styles and theme use, in first-seen order."""
    names: dict[str, None] = {}
    with zipfile.ZipFile(reference_docx) as archive:
        for part in archive.namelist():
            if part.endswith("styles.xml"):
                names.update(dict.fromkeys(style_fonts(etree.fromstring(archive.read(part)))))
            elif part.startswith("word/theme/") and part.endswith(".xml"):
                root = etree.fromstring(archive.read(part))
                for latin in root.iter(f"{{{A_NS}}}latin"):
                    if latin.get("typeface"):
                        names.setdefault(latin.get("typeface"))
    return list(names)


def resolved_family(name: str) -> str | None:
    """The family fontconfig picks for ``name``; None when fc-match is not installed."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    result = subprocess.run([fc_match, "-f", "%{family[0]}", name], capture_output=True,
                            text=True, timeout=30, check=False)
    return result.stdout.strip() or None


def missing_fonts(reference_docx: Path) -> list[MissingFont]:
    """The template's fonts that resolve neither to themselves nor to their twin."""
    missing = []
    for name in template_fonts(reference_docx):
        family = resolved_family(name)
        if family is None:
            continue
        twin, package = TWINS.get(name.lower(), (None, None))
        if family.lower() not in (name.lower(), (twin or "").lower()):
            missing.append(MissingFont(name, family, package))
    return missing
