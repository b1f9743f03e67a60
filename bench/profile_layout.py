"""Profile of the layout pass: where its time goes, step by step, with numbers.

Builds the example's documents without the layout pass, then times, each in this
process: starting a warm LibreOffice (until it answers), and for each document the
UNO driver's steps (load the .docx, update the contents index, read the heading pages,
export the PDF, close), then our own part (the page numbers written into the contents
page: fill_pages, and the second write of the .docx). Medians over `--runs`.

Usage: python bench/profile_layout.py [--runs 3] [--pdf]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.delivery.build import build_all  # noqa: E402
from generator.delivery.office import Office  # noqa: E402
from generator.delivery.pdf import _IMPORT_FILTERS  # noqa: E402
from generator.source.project import Project  # noqa: E402
from generator.writer.converter import write_atomic  # noqa: E402
from generator.writer.toc import fill_pages  # noqa: E402


def one_run(documents: list[Path], pdf: bool, out: Path) -> dict[str, float]:
    """Seconds of each step of one layout pass over `documents`."""
    took: dict[str, float] = defaultdict(float)
    start = time.perf_counter()
    with Office() as office:
        took["LibreOffice start (until it answers)"] = 0.0
        for index, docx in enumerate(documents):
            asked = time.perf_counter()
            process = office._process
            assert process is not None
            answer = process.ask({
                "source": docx.resolve().as_uri(), "filter": _IMPORT_FILTERS[".docx"],
                "update": True, "pages": True,
                "pdf": (out / f"{index}.pdf").as_uri() if pdf else ""}, 120)
            waited = time.perf_counter() - asked
            steps = answer["seconds"]
            if index == 0:  # the first answer waits for LibreOffice to start
                took["LibreOffice start (until it answers)"] = waited - sum(steps.values())
            for step, seconds in steps.items():
                took[f"driver: {step}"] += seconds
            mark = time.perf_counter()
            data = docx.read_bytes()
            filled = fill_pages(data, answer["pages"])
            took["ours: fill_pages"] += time.perf_counter() - mark
            mark = time.perf_counter()
            if filled != data:
                write_atomic(docx, data)  # the same bytes back: the document stays as built
            took["ours: second write"] += time.perf_counter() - mark
        closing = time.perf_counter()
    took["LibreOffice stop"] = time.perf_counter() - closing
    took["whole pass"] = time.perf_counter() - start
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pdf", action="store_true", help="export PDFs too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="profile-layout-") as folder:
        out = Path(folder)
        started = time.perf_counter()
        report = build_all(Project(ROOT), ["dl-logistiek-2027"], out_dir=out, layout=False)
        built = time.perf_counter() - started
        documents = sorted(report.written)
        runs = [one_run(documents, args.pdf, out) for _ in range(args.runs)]
    print(f"{len(documents)} documents; the build without the layout pass took {built:.2f} s "
          f"(in process); medians of {args.runs} run(s):")
    for step in runs[0]:
        print(f"  {step:<40} {statistics.median(r[step] for r in runs):6.3f} s")


if __name__ == "__main__":
    main()
