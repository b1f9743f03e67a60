"""Writes font_metrics.py beside it: advance widths of the brand font (run to regenerate).

Table columns are sized from their text measured in the brand font. The widths are
stored in the repository, not read from the machine's fonts at build time, so that the
same sources give the same .docx on every machine. Measured with Pillow over the font
file fontconfig resolves for the brand font (Calibri -> Carlito, metric-compatible).

    python -m generator.writer.make_metrics [FONT ...]

Every font already stored is measured again, with the FONTs named added: the table never
loses a font (Calibri is the fallback every other font is measured with when missing).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from PIL import ImageFont

CHARS = ("".join(chr(c) for c in [*range(0x20, 0x7F), *range(0xA0, 0x180)])
         + "–—‘’“”„•…€≤≥→←✓·‰°×\u202f")  # U+202F: French's narrow no-break space
OUT = Path(__file__).with_name("font_metrics.py")


def font_file(family: str, bold: bool) -> str:
    pattern = f"{family}:bold" if bold else family
    return subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True,
                          text=True, check=True).stdout


def widths(family: str, bold: bool) -> list[int]:
    """Advance width of each of CHARS in 1/1000 em."""
    font = ImageFont.truetype(font_file(family, bold), 1000, layout_engine=ImageFont.Layout.BASIC)
    return [round(font.getlength(ch)) for ch in CHARS]


def stored_families() -> list[str]:
    """The fonts font_metrics.py holds now, in its order; none before it is first written."""
    try:
        from generator.writer.font_metrics import WIDTHS
    except ImportError:
        return ["Calibri"]
    return list(dict.fromkeys(family for family, _ in WIDTHS))


def main() -> None:
    families = list(dict.fromkeys([*stored_families(), *sys.argv[1:]]))
    chunks = [CHARS[i:i + 40] for i in range(0, len(CHARS), 40)]
    lines = [
        '"""Advance widths of the brand fonts in 1/1000 em (make_metrics.py)."""',
        "",
        "CHARS = (",
        *(f"    {chunk!r}" for chunk in chunks),
        ")",
        "WIDTHS: dict[tuple[str, bool], tuple[int, ...]] = {",
    ]
    for family in families:
        for bold in (False, True):
            numbers = ", ".join(map(str, widths(family, bold)))
            lines.append(f"    ({family!r}, {bold}): (")
            lines += textwrap.wrap(numbers, 96, initial_indent=" " * 8,
                                   subsequent_indent=" " * 8)
            lines.append("    ),")
    lines.append("}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
