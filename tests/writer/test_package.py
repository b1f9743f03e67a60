"""The Package: one owner of a document's parts, relationships and content types."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx_reading import ROOT
from lxml import etree

from generator.errors import GeneratorError
from generator.writer import oxml
from generator.writer import package as package_module
from generator.writer.oxml import CT_NS, PR_NS
from generator.writer.package import (
    LAST_EPOCH,
    Package,
    RidAllocator,
    source_date_epoch,
    zip_package,
)


def package(parts: dict[str, bytes] | None = None) -> Package:
    rels = etree.Element(f"{{{PR_NS}}}Relationships", nsmap={None: PR_NS})
    types = etree.Element(f"{{{CT_NS}}}Types", nsmap={None: CT_NS})
    return Package(dict(parts or {"word/document.xml": b"<d/>"}), "word/document.xml", rels,
                   types, RidAllocator(5))


def opened(data: bytes) -> tuple[list[str], etree._Element, etree._Element]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        types = etree.fromstring(archive.read("[Content_Types].xml"))
        rels = etree.fromstring(archive.read("word/_rels/document.xml.rels"))
    return names, types, rels


def test_a_related_part_keeps_the_templates_name_or_gets_its_own() -> None:
    pkg = package()
    pkg.relate(oxml.RT_NUMBERING, "lists/numbers.xml")
    pkg.related_part(oxml.RT_NUMBERING, "word/numbering.xml", oxml.CT_NUMBERING, b"<n/>")
    pkg.related_part(oxml.RT_FOOTNOTES, "word/footnotes.xml", oxml.CT_FOOTNOTES, b"<f/>")
    names, types, rels = opened(pkg.zip(None))
    assert "word/lists/numbers.xml" in names and "word/numbering.xml" not in names
    assert [r.get("Target") for r in rels] == ["lists/numbers.xml", "footnotes.xml"]
    assert [r.get("Id") for r in rels] == ["rId5", "rId6"], "ids continue the template's"
    overrides = {o.get("PartName") for o in types}
    assert overrides == {"/word/lists/numbers.xml", "/word/footnotes.xml"}


def test_a_dropped_part_leaves_no_relationship_nor_content_type() -> None:
    pkg = package({"word/document.xml": b"<d/>", "word/footnotes.xml": b"<f/>"})
    pkg.relate(oxml.RT_FOOTNOTES, "footnotes.xml")
    pkg.override("word/footnotes.xml", oxml.CT_FOOTNOTES)
    pkg.drop(oxml.RT_FOOTNOTES)
    names, types, rels = opened(pkg.zip(None))
    assert "word/footnotes.xml" not in names
    assert len(rels) == 0 and len(types) == 0


def test_new_part_names_never_collide_and_the_zip_starts_with_content_types() -> None:
    pkg = package({"word/document.xml": b"<d/>", "word/header1.xml": b"<h/>"})
    assert pkg.new_part_name("header") == "word/header2.xml"
    names, _, _ = opened(pkg.zip(None))
    assert names[0] == "[Content_Types].xml"


# --------------------------------------------------------------------------- dates

@pytest.mark.parametrize("value", ["garbage", "-5", "1.5e9", "²", "99999999999999999",
                                   str(LAST_EPOCH + 1)])
def test_a_malformed_source_date_epoch_is_refused_naming_it(
        monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    """Ignored, it silently dated documents otherwise; out of range, it crashed the build."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(GeneratorError, match=r"^SOURCE_DATE_EPOCH=.* \(set it to whole "
                                             r"seconds.*or unset it\)$"):
        source_date_epoch()


def test_a_source_date_epoch_up_to_year_2999_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", f" {LAST_EPOCH} ")
    assert source_date_epoch() == dt.datetime(2999, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    assert source_date_epoch() is None


def test_a_document_dated_after_2107_zips_with_the_last_zip_date() -> None:
    """A zip entry's year is 7 bits from 1980; a later document date crashed the writer."""
    data = zip_package({"a.xml": b"<a/>"}, dt.datetime(2999, 12, 31, tzinfo=dt.UTC))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.infolist()[0].date_time == (2107, 12, 31, 23, 59, 58)


# ------------------------------------------------------------------ killed while writing

WRITER = """
import json, sys, time
from pathlib import Path
from generator.writer import package
if sys.argv[2] == "named":
    package._open_unnamed = lambda folder: None  # a system without O_TMPFILE
def stuck(fd):  # the disk is slow: the process is killed while writing
    print(json.dumps(sorted(p.name for p in Path(sys.argv[1]).iterdir())), flush=True)
    time.sleep(120)
package.os.fsync = stuck
package.write_atomic(Path(sys.argv[1]) / "plan.docx", b"new" * 1000)
"""


def _killed_while_writing(folder: Path, how: signal.Signals, temp: str) -> tuple[list[str], int]:
    """(the folder while the writer waits for the disk, its exit code), the writer killed."""
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(folder), temp],
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert writer.stdout is not None
    during = writer.stdout.readline()
    writer.send_signal(how)
    return json.loads(during), writer.wait(timeout=60)


@pytest.mark.skipif(package_module._open_unnamed(ROOT) is None, reason="no O_TMPFILE here")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_a_writer_killed_while_writing_leaves_no_file(tmp_path: Path, how: signal.Signals) -> None:
    """The data goes to a file without a name until it is whole: even SIGKILL (a worker
    dying with its build) leaves no temp file, and the previous document stays."""
    (tmp_path / "plan.docx").write_bytes(b"old")
    during, code = _killed_while_writing(tmp_path, how, "unnamed")
    assert during == ["plan.docx"], "no named temp file while the data is written"
    assert code == -how
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.docx"]
    assert (tmp_path / "plan.docx").read_bytes() == b"old"


def test_a_named_temp_file_goes_with_a_sigterm(tmp_path: Path) -> None:
    """Without O_TMPFILE the temp file has a name while written: a SIGTERM removes it,
    and the writer still ends as killed by SIGTERM (its parent sees the same exit)."""
    during, code = _killed_while_writing(tmp_path, signal.SIGTERM, "named")
    assert len(during) == 1 and re.fullmatch(r"\.plan\.docx\.docx-writer-\d+-0\.tmp", during[0])
    assert code == -signal.SIGTERM
    assert list(tmp_path.iterdir()) == []
