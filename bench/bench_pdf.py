"""Benchmark: one LibreOffice start per batch (export_pdfs) vs. one start per file.

Run from the repository root: ``python bench/bench_pdf.py``. Writes into
bench/out/pdf (ignored by git). The per-file baseline gets its own profile, warmed
up before timing, so it is not slowed down by profile creation; export_pdfs makes
and removes a fresh profile inside every timed run.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.delivery.pdf import export_pdfs, find_soffice  # noqa: E402

OUT = ROOT / "bench" / "out" / "pdf"
FILES = 10
REPEATS = 3


def _toc(paragraph) -> None:
    for kind, text in (("begin", None), (None, ' TOC \\o "1-3" \\h \\z \\u '), ("separate", None)):
        run = paragraph.add_run()._r
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run.append(element)
    paragraph.add_run("Update the table of contents.")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


def make_docs(folder: Path) -> list[Path]:
    """Ten documents of about four pages, each with a contents list."""
    folder.mkdir(parents=True, exist_ok=True)
    docs = []
    for n in range(1, FILES + 1):
        document = Document()
        document.add_paragraph(f"Report {n}")
        _toc(document.add_paragraph())
        for chapter in range(1, 4):
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            document.add_heading(f"Chapter {chapter}", level=1)
            for section in range(1, 4):
                document.add_heading(f"Section {chapter}.{section}", level=2)
                for _ in range(4):
                    document.add_paragraph(f"Body text of report {n}, section {section}. " * 8)
        path = folder / f"report-{n:02}.docx"
        document.save(path)
        docs.append(path)
    return docs


def per_file(soffice: str, docs: list[Path], outdir: Path, profile: Path) -> None:
    """The naive way: one ``soffice --convert-to pdf`` start per document."""
    for doc in docs:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(outdir),
                str(doc),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    missing = [d.name for d in docs if not (outdir / d.with_suffix(".pdf").name).is_file()]
    if missing:
        raise SystemExit(f"per-file baseline produced no PDF for {missing}")


def timed(action: Callable[[], object]) -> list[float]:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    soffice = find_soffice()
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) not found")
    if OUT.exists():
        shutil.rmtree(OUT)
    docs = make_docs(OUT / "batch")
    baseline_docs = make_docs(OUT / "per-file")
    profile = Path(tempfile.mkdtemp(prefix="bench-pdf-profile-"))
    try:
        per_file(soffice, baseline_docs[:1], OUT / "per-file", profile)  # warm the profile
        results = {
            "export_pdfs, 1 start, no TOC update": timed(
                lambda: export_pdfs(docs, update_indexes=False)
            ),
            # Last, so the PDFs left in bench/out show the updated contents lists.
            "export_pdfs, 1 start, TOC updated": timed(lambda: export_pdfs(docs)),
            "soffice --convert-to, 1 start per file": timed(
                lambda: per_file(soffice, baseline_docs, OUT / "per-file", profile)
            ),
        }
    finally:
        shutil.rmtree(profile, ignore_errors=True)

    print(f"{FILES} documents, {REPEATS} repetitions, median wall time:")
    medians = {name: statistics.median(times) for name, times in results.items()}
    for name, times in results.items():
        runs = ", ".join(f"{t:.2f}" for t in times)
        print(f"  {name:42} {medians[name]:6.2f} s  ({runs})")
    plain, batch, naive = medians.values()
    print(f"per-file starts / batch with TOC update: {naive / batch:.1f}x")
    print(f"per-file starts / batch without update:  {naive / plain:.1f}x")
    print(f"TOC update cost: {(batch - plain) / FILES * 1000:.0f} ms per document")


if __name__ == "__main__":
    main()
