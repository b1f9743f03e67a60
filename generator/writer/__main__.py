"""``python -m generator.writer IN -o OUT``: one Markdown file to .docx (used by the bench)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from generator.errors import GeneratorError
from generator.writer import convert_file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.writer", description=__doc__)
    parser.add_argument("source", type=Path, metavar="IN", help="Markdown file")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="OUT")
    parser.add_argument("--reference-doc", type=Path, default=None)
    parser.add_argument("--title", default=None)
    args = parser.parse_args(argv)
    try:
        convert_file(args.source, args.output, reference_doc=args.reference_doc, title=args.title)
    except GeneratorError as exc:
        print(f"{args.source}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # The output is already fsynced; skip freeing ~10^5 objects at interpreter exit.
    os._exit(status)
