"""Issue 13: nothing leaks, nothing hangs, validate catches what build would refuse.

One test (or group) per numbered defect of the issue. Each asserts the located message
(file:line for sources, the part name for the brand template) and, where something
could leak, that nothing outside the inputs reached the output (the unzipped XML is
searched). The footnote, template and zip-bomb cases run in a subprocess under a
memory limit (RLIMIT_AS): they are bounded by what they may hold, not by the clock.
"""

from __future__ import annotations

import contextlib
import io
import marshal
import os
import pickle
import re
import resource
import shutil
import signal
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from docx_reading import EPOCH, ROOT
from example_project import EXAMPLE_ID, ExampleProject, copy_example, line_of
from jinja2.bccache import bc_magic

from generator.delivery import guard
from generator.writer import brand
from generator.writer.converter import Converter, DocumentMeta, MarkdownError, TemplateError

INTERIM = Path(sys.executable).with_name("interim")
ENV = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
LIMIT = 400 * 2**20
"""Address space a bounded case may use: a whole build needs less than 200 MB."""
SECRET = "SECRET-7f3a-outside-the-inputs"
REFERENCE = ROOT / "templates" / "reference.docx"
PNG = (ROOT / "tests" / "writer" / "fixtures" / "chart.png").read_bytes()


# ------------------------------------------------------------------ helpers

@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ExampleProject:
    """The reference example with the repository's firm.yaml, brand template and logo."""
    root = tmp_path / "repo"
    root.mkdir()
    monkeypatch.chdir(root)
    example = copy_example(root)
    shutil.copy(ROOT / "firm.yaml", root / "firm.yaml")
    shutil.copytree(ROOT / "templates", root / "templates")
    return example


def interim(root: Path, *args: str, limit: int | None = None, timeout: float = 120,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`interim ARGS` as a user runs it (this environment's script), optionally under an
    address-space limit."""
    def limited() -> None:
        if limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    done = subprocess.run([str(INTERIM), *args], cwd=root, capture_output=True, text=True,
                          timeout=timeout, env={**ENV, **(env or {})}, preexec_fn=limited,
                          check=False)
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    return done


def firm_line(root: Path, key: str) -> int:
    return line_of((root / "firm.yaml").read_text(encoding="utf-8"), f"{key}:")


def set_firm(root: Path, key: str, value: str) -> None:
    path = root / "firm.yaml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(rf"^{key}:.*$", f"{key}: {value}", text, flags=re.M) if f"\n{key}:" in text \
        else text + f"{key}: {value}\n"
    path.write_text(text, encoding="utf-8")


def xml_of(folder: Path) -> str:
    """Every part of every .docx under `folder`, names and content, as one text."""
    found = []
    for docx in sorted(folder.rglob("*.docx")):
        with zipfile.ZipFile(docx) as z:
            found += [f"{docx.name}:{n}\n{z.read(n).decode('utf-8', 'replace')}"
                      for n in z.namelist()]
    assert found, f"no documents under {folder}"
    return "\n".join(found)


def place(example: ExampleProject, markdown: str, *, included: bool) -> tuple[Path, int]:
    """Put `markdown` in analyse.md (included) or in the YAML field `situation`; the file
    and line a located error about it must name."""
    if included:
        (example.folder / "analyse.md").write_text("Inleiding.\n\n" + markdown + "\n",
                                                   encoding="utf-8")
        return example.folder / "analyse.md", 3
    indented = "\n".join("    " + line if line else "" for line in markdown.splitlines())
    text = example.text
    start = text.index("  situation:")
    end = text.index("\n  ", text.index("\n", start) + 1)
    while text[end + 3] == " ":  # the rest of the block scalar
        end = text.index("\n  ", end + 1)
    example.write(text[:start] + "  situation: |\n" + indented + text[end:])
    return example.yaml, line_of(example.text, "  situation: |")


def said_at(output: str, file: Path, line: int, *texts: str) -> str:
    """The one line of `output` that is a diagnostic at file:line saying each text."""
    pattern = re.compile(rf"(^|/){re.escape(file.name)}:{line}(:\d+)?: .*$", re.M)
    hits = [m.group(0) for m in pattern.finditer(output) if all(t in m.group(0) for t in texts)]
    assert hits, f"nothing at {file.name}:{line} saying {texts}:\n{output}"
    return hits[0]


# ------------------------------------------------------------------ 1. firm templates

def test_1_a_firm_template_linking_out_of_its_folder_is_refused(project: ExampleProject,
                                                                 tmp_path: Path) -> None:
    secret = tmp_path / "passwd"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    own = project.root / "mytemplates" / "shared"
    own.mkdir(parents=True)
    (own / "_signatures.md.j2").symlink_to(secret)
    set_firm(project.root, "templates", "mytemplates")

    checked = interim(project.root, "validate")
    assert checked.returncode == 1
    said_at(checked.stderr, project.root / "firm.yaml", firm_line(project.root, "templates"),
            "_signatures.md.j2", "leaves the templates folder")

    built = interim(project.root, "build", EXAMPLE_ID, "--doc", "handbook", "--out", "out")
    assert built.returncode == 1
    assert "_signatures.md.j2" in built.stderr and "leaves" in built.stderr
    assert SECRET not in built.stdout + built.stderr
    out = project.root / "out"
    assert not out.exists() or not list(out.rglob("*.docx"))


# ------------------------------------------------------------------ 2. footnotes

SELF_CITING = "Bewering[^a].\n\n[^a]: Zie[^a]."


def chain(levels: int) -> str:
    """Notes that each cite the next twice: 2**levels notes if expanded."""
    notes = "".join(f"[^n{i}]: x[^n{i + 1}] y[^n{i + 1}]\n\n" for i in range(levels))
    return f"Start[^n0].\n\n{notes}[^n{levels}]: einde"


@pytest.mark.parametrize("markdown", [SELF_CITING, chain(22)], ids=["self", "chain"])
@pytest.mark.parametrize("included", [True, False], ids=["included", "field"])
def test_2_footnotes_that_cite_themselves_or_multiply_end_with_a_located_error(
        project: ExampleProject, markdown: str, included: bool) -> None:
    file, line = place(project, markdown, included=included)
    checked = interim(project.root, "validate", limit=LIMIT)
    assert checked.returncode == 1
    if included:  # at the line of the note in the included file
        note = "[^a]: Zie" if markdown is SELF_CITING else "[^n3]:"
        said_at(checked.stderr, file, line - 1 + line_of(markdown, note), "footnote")
    else:  # at the field, naming the line within its text
        said_at(checked.stderr, file, line, "line ", "footnote")
    built = interim(project.root, "build", EXAMPLE_ID, "--out", "out", limit=LIMIT)
    assert built.returncode == 1 and "footnote" in built.stderr


@pytest.mark.parametrize("markdown", [SELF_CITING, chain(22)], ids=["self", "chain"])
def test_2_convert_refuses_them_within_its_memory(tmp_path: Path, markdown: str) -> None:
    (tmp_path / "notes.md").write_text(markdown + "\n", encoding="utf-8")
    done = interim(tmp_path, "convert", "notes.md", "-o", "notes.docx", limit=LIMIT)
    assert done.returncode == 1
    assert re.search(r"notes\.md:\d+: .*footnote", done.stderr), done.stderr
    assert not (tmp_path / "notes.docx").exists()


def test_2_notes_citing_notes_within_the_caps_still_work(converter_docx: Converter) -> None:
    data = converter_docx.convert("Een[^a] twee[^b].\n\n[^a]: Zie ook[^b].\n\n[^b]: Bron.\n",
                                  DocumentMeta(title="t"), base_dir=ROOT)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        notes = z.read("word/footnotes.xml").decode()
    assert notes.count("<w:footnote ") == 2 + 3  # separators, and three placed notes
    assert notes.count("Bron.") == 2


@pytest.fixture(scope="module")
def converter_docx() -> Converter:
    return Converter()


# ------------------------------------------------------------------ 3. the brand template

def _template_with(tmp_path: Path, extra: dict[str, bytes], name: str = "brand.docx") -> Path:
    with zipfile.ZipFile(REFERENCE) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts.update(extra)
    target = tmp_path / name
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for part, data in parts.items():
            z.writestr(zipfile.ZipInfo(part), data)  # names as given, ../ and / included
    return target


def test_3_parts_a_document_does_not_need_never_reach_a_client(project: ExampleProject,
                                                               tmp_path: Path) -> None:
    rels = (REFERENCE, "word/_rels/document.xml.rels")
    with zipfile.ZipFile(rels[0]) as z:
        document_rels = z.read(rels[1]).decode()
    comments = ('<Relationship Id="rId90" Type="http://schemas.openxmlformats.org/'
                'officeDocument/2006/relationships/comments" Target="comments.xml"/>')
    marker = f"<x>{SECRET}</x>".encode()
    path = _template_with(tmp_path, {
        rels[1]: document_rels.replace("</Relationships>", comments + "</Relationships>").encode(),
        "word/comments.xml": marker, "customXml/item1.xml": marker,
        "word/media/unused.png": PNG + marker, "../../x": marker, "/tmp/x": marker,
    })
    shutil.copy(path, project.root / "templates" / "reference.docx")
    built = interim(project.root, "build", EXAMPLE_ID, "--out", "out")
    assert built.returncode == 0, built.stderr
    xml = xml_of(project.root / "out")
    assert SECRET not in xml
    for name in ("comments.xml", "customXml", "unused.png", "../", ":/tmp/x"):
        assert name not in xml, name


HEADER_RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
               'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
               'openxmlformats.org/officeDocument/2006/relationships/image" '
               'Target="media/logo.png"/>{more}</Relationships>')


def test_3_a_header_keeps_its_picture_and_refuses_a_foreign_link(tmp_path: Path) -> None:
    kept = brand.load(_template_with(tmp_path, {
        "word/_rels/header1.xml.rels": HEADER_RELS.format(more="").encode(),
        "word/media/logo.png": PNG, "word/media/unused.png": PNG}))
    assert "word/media/logo.png" in kept.parts and "word/media/unused.png" not in kept.parts
    link = ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/hyperlink" Target="ms-msdt:/id x" TargetMode="External"/>')
    with pytest.raises(TemplateError, match=r"part word/header1\.xml links to 'ms-msdt:"):
        brand.load(_template_with(tmp_path, {
            "word/_rels/header1.xml.rels": HEADER_RELS.format(more=link).encode(),
            "word/media/logo.png": PNG}, "linked.docx"))


def _bomb(tmp_path: Path, part: str, size: int) -> Path:
    """The brand template with `part` replaced by `size` bytes of zeros (a small zip)."""
    path = _template_with(tmp_path, {}, "bomb.docx")
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist() if n != part}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
        with z.open(part, "w", force_zip64=True) as handle:
            chunk = bytes(2**20)
            for _ in range(size // len(chunk)):
                handle.write(chunk)
    return path


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _bomb(tmp_path_factory.mktemp("bomb"), "word/styles.xml", 1024 * 2**20)


def test_3_a_zip_bomb_is_refused_from_the_zip_directory(bomb: Path, project: ExampleProject,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    assert bomb.stat().st_size < 5 * 2**20
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def spy(self: zipfile.ZipFile, name: object, *args: object, **kwargs: object) -> object:
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    with pytest.raises(TemplateError, match=r"part word/styles\.xml would unpack to "
                                            r"1,073,741,824 bytes.*refused unread"):
        brand.load(bomb)
    assert "word/styles.xml" not in opened  # judged by its directory entry alone

    monkeypatch.undo()
    shutil.copy(bomb, project.root / "templates" / "reference.docx")
    for args in (("validate",), ("build", EXAMPLE_ID, "--out", "out")):
        done = interim(project.root, *args, limit=LIMIT)
        assert done.returncode == 1
        assert "reference.docx: part word/styles.xml would unpack" in done.stderr


def test_3_a_part_that_understates_its_size_is_read_with_a_bound(tmp_path: Path) -> None:
    """The zip directory says 20 000 bytes; the part unpacks to 100 MB of spaces."""
    path = _template_with(tmp_path, {})
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["word/styles.xml"] += b" " * (100 * 2**20)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    data = bytearray(buffer.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        local = z.getinfo("word/styles.xml").header_offset
    struct.pack_into("<I", data, local + 22, 20000)  # the local header's size field
    central = data.find(b"word/styles.xml", data.find(b"PK\x01\x02")) - 46
    assert data[central:central + 4] == b"PK\x01\x02"
    struct.pack_into("<I", data, central + 24, 20000)  # the central directory's size field
    path.write_bytes(bytes(data))
    with pytest.raises(TemplateError, match=r"part word/styles\.xml cannot be read"):
        brand.load(path)


# ------------------------------------------------------------------ 4. symlink loops

def _loop(folder: Path, name: str) -> None:
    (folder / name).symlink_to(folder / name)


@pytest.mark.parametrize("kind", ["include", "picture"])
def test_4_a_symlink_loop_in_an_assignment_is_located_and_the_run_goes_on(
        project: ExampleProject, kind: str) -> None:
    first = copy_example(project.root, "aa-eerste-2027")  # sorted before the example
    first.edit(f"id: {EXAMPLE_ID}", "id: aa-eerste-2027")
    if kind == "include":
        _loop(first.folder, "lus.md")
        first.edit("summary: {include: analyse.md}", "summary: {include: lus.md}")
        needle = "{include: lus.md}"
    else:
        _loop(first.folder, "lus.png")
        (first.folder / "analyse.md").write_text("Zie ![plan](lus.png).\n", encoding="utf-8")
        needle = "summary: {include: analyse.md}"
    checked = interim(project.root, "validate")
    assert checked.returncode == 1
    said_at(checked.stderr, first.yaml, first.line_of(needle), "symbolic link loop")
    assert f"ok  {EXAMPLE_ID}" in checked.stdout
    listed = interim(project.root, "list")
    assert re.search(r"^aa-eerste-2027 .*INVALID", listed.stdout, re.M), listed.stdout
    assert re.search(rf"^{EXAMPLE_ID} .*valid$", listed.stdout, re.M), listed.stdout


@pytest.mark.parametrize("key", ["logo", "brand_template"])
def test_4_a_symlink_loop_as_logo_or_brand_template_names_firm_yaml(project: ExampleProject,
                                                                     key: str) -> None:
    _loop(project.root / "templates", "lus.png" if key == "logo" else "lus.docx")
    set_firm(project.root, key, "templates/lus.png" if key == "logo" else "templates/lus.docx")
    checked = interim(project.root, "validate")
    assert checked.returncode == 1
    said_at(checked.stderr, project.root / "firm.yaml", firm_line(project.root, key),
            "symbolic link loop")


@pytest.mark.parametrize("which", ["firm.yaml", "assignment.yaml"])
def test_4_a_looping_firm_or_assignment_file_is_said_at_the_file_not_a_crash(
        project: ExampleProject, which: str) -> None:
    """The link is there: not "no firm.yaml" (a neutral firm) nor a skipped assignment, and
    naming it in a diagnostic never follows it (that raised RuntimeError before)."""
    folder = project.root if which == "firm.yaml" else project.root / "assignments" / "lus"
    folder.mkdir(exist_ok=True)
    (folder / which).unlink(missing_ok=True)
    _loop(folder, which)
    said = f"{(folder / which).relative_to(project.root)}: file '{which}' is a symbolic link loop"
    for command in ("validate", "build"):
        done = interim(project.root, command)
        assert done.returncode == 1, (command, done.stderr)
        assert said in done.stderr, (command, done.stderr)
        assert "neutral built-in firm" not in done.stderr
    if which == "assignment.yaml":
        listed = interim(project.root, "list")
        assert re.search(r"^lus .*INVALID", listed.stdout, re.M), listed.stdout


def test_4_a_brand_template_that_is_no_docx_is_said_at_its_firm_yaml_line(
        project: ExampleProject) -> None:
    """It was said of the file's absolute path, with zipfile's words, at build time only."""
    set_firm(project.root, "brand_template", "firm.yaml")
    for command in ("validate", "build"):
        done = interim(project.root, command, EXAMPLE_ID)
        assert done.returncode == 1, (command, done.stderr)
        said_at(done.stderr, project.root / "firm.yaml", firm_line(project.root,
                "brand_template"), "brand_template 'firm.yaml' is not a Word document")


# ------------------------------------------------------------------ 5. FIFOs

def test_5_a_fifo_named_as_include_or_picture_hangs_nothing(project: ExampleProject) -> None:
    os.mkfifo(project.folder / "pijp.md")
    os.mkfifo(project.folder / "pijp.png")
    project.edit("summary: {include: analyse.md}", "summary: {include: pijp.md}")
    project.edit("- Zichtbare steun van de CEO", "- Zichtbare ![steun](pijp.png) van de CEO")
    for args in (("validate",), ("build", "--out", "out")):
        done = interim(project.root, *args, timeout=60)
        assert done.returncode == 1, args
    listed = interim(project.root, "list", timeout=60)
    assert re.search(rf"^{EXAMPLE_ID} .*INVALID \(2 errors\)", listed.stdout, re.M)
    checked = interim(project.root, "validate", timeout=60)
    said_at(checked.stderr, project.yaml, project.line_of("{include: pijp.md}"),
            "'pijp.md' is not a regular file")
    said_at(checked.stderr, project.yaml, project.line_of("![steun](pijp.png)"),
            "'pijp.png' is not a regular file")


@pytest.mark.parametrize("key", ["logo", "brand_template", "include"])
def test_5_a_folder_named_as_a_file_is_located_not_a_crash(project: ExampleProject,
                                                           key: str) -> None:
    """Python refuses to open a folder's descriptor as a file (IsADirectoryError): it was an
    internal error; now the guarded opener says what it is, before opening it as a file."""
    if key == "include":
        (project.folder / "bijlage.md").mkdir()
        project.edit("summary: {include: analyse.md}", "summary: {include: bijlage.md}")
        file, line = project.yaml, project.line_of("{include: bijlage.md}")
    else:
        set_firm(project.root, key, "templates")
        file, line = project.root / "firm.yaml", firm_line(project.root, key)
    for args in (("validate",), ("build", EXAMPLE_ID, "--out", "out")):
        done = interim(project.root, *args)
        assert done.returncode == 1, args
        said_at(done.stderr, file, line, "is not a regular file (a folder, pipe or device)")
    assert not (project.root / "out").exists() or not list((project.root / "out").rglob("*.docx"))


# ------------------------------------------------------------------ 6. validate = build

def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height pixels (its data is tiny)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + chunk(b"IEND", b""))


BAD_PICTURES = {
    "not-a-picture": ("plan.png", b"%PDF-1.4 not a picture", "not a PNG, JPEG or GIF"),
    "truncated": ("plan.png", PNG[: len(PNG) // 2], "cannot be read"),
    "bomb": ("plan.png", _png_header(60000, 60000), "cannot be read"),
}


@pytest.mark.parametrize("case", [*BAD_PICTURES, "width", "style"])
@pytest.mark.parametrize("included", [True, False], ids=["included", "field"])
def test_6_validate_refuses_what_build_refuses_at_the_source_line(
        project: ExampleProject, case: str, included: bool) -> None:
    if case in BAD_PICTURES:
        name, data, said = BAD_PICTURES[case]
        (project.folder / name).write_bytes(data)
        markdown = f"![plan]({name})"
    elif case == "width":
        (project.folder / "plan.png").write_bytes(PNG)
        markdown, said = "![plan](plan.png){width=huge}", "width 'huge' is not understood"
    else:
        markdown, said = "::: style NoSuchStyle\nTekst\n:::", "no paragraph style 'NoSuchStyle'"
    file, line = place(project, markdown, included=included)
    if not included or case != "style":  # pictures are reported at their field or include
        line = line if not included else project.line_of("summary: {include: analyse.md}")
        file = file if not included else project.yaml
    checked = interim(project.root, "validate")
    assert checked.returncode == 1
    said_at(checked.stderr, file, line, said)
    built = interim(project.root, "build", EXAMPLE_ID, "--out", "out")
    assert built.returncode == 1
    said_at(built.stderr, file, line, said)
    assert not re.search(r"\b(proposal|action-plan|handbook): line \d+", built.stderr)


def test_6_a_broken_logo_names_firm_yaml(project: ExampleProject) -> None:
    (project.root / "templates" / "coverton-logo.png").write_bytes(PNG[:200])
    for args in (("validate",), ("build", EXAMPLE_ID, "--out", "out")):
        done = interim(project.root, *args)
        assert done.returncode == 1
        said_at(done.stderr, project.root / "firm.yaml", firm_line(project.root, "logo"),
                "logo: image 'templates/coverton-logo.png' cannot be read")


# ------------------------------------------------------------------ 7. pandoc's reference

@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
def test_7_pandocs_own_reference_docx_builds_with_one_warning(project: ExampleProject) -> None:
    reference = project.root / "templates" / "reference.docx"
    reference.write_bytes(subprocess.run(
        ["pandoc", "--print-default-data-file", "reference.docx"], capture_output=True,
        check=True, timeout=60).stdout)
    built = interim(project.root, "build", EXAMPLE_ID, "--out", "out")
    assert built.returncode == 0, built.stderr
    warnings = [line for line in built.stderr.splitlines() if "lacks the styles" in line]
    assert len(warnings) == 1 and "Cover" in warnings[0]
    assert warnings[0].startswith("templates/reference.docx: warning:")
    import docx

    document = docx.Document(str(project.root / "out" / EXAMPLE_ID / "proposal.docx"))
    used = {p.style.name for p in document.paragraphs}
    assert "Cover" in used and "Heading 1" in used


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
def test_7_convert_says_the_same_of_pandocs_reference_docx(tmp_path: Path) -> None:
    reference = tmp_path / "pandoc.docx"
    reference.write_bytes(subprocess.run(
        ["pandoc", "--print-default-data-file", "reference.docx"], capture_output=True,
        check=True, timeout=60).stdout)
    (tmp_path / "note.md").write_text("# Note\n\nText.\n", encoding="utf-8")
    done = interim(tmp_path, "convert", "note.md", "-o", "note.docx", "--reference-doc",
                   "pandoc.docx")
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if "lacks the styles" in line]
    assert len(warnings) == 1 and warnings[0].startswith("pandoc.docx: warning:"), done.stderr
    assert (tmp_path / "note.docx").is_file()
    ours = interim(tmp_path, "convert", "note.md", "-o", "ours.docx")
    assert "lacks the styles" not in ours.stderr


# ------------------------------------------------------------------ 8. header/footer parts

XXE = ('<?xml version="1.0"?><!DOCTYPE w:hdr [<!ENTITY x SYSTEM "file://{secret}">]>'
       '<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
       '<w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:hdr>')


@pytest.mark.parametrize("content", ["malformed", "xxe"])
def test_8_a_bad_header_part_is_named_like_styles_xml(project: ExampleProject, tmp_path: Path,
                                                      content: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    data = b"<w:hdr><w:p>" if content == "malformed" else XXE.format(secret=secret).encode()
    path = _template_with(tmp_path, {"word/header1.xml": data})
    with pytest.raises(TemplateError, match=r"brand\.docx: part word/header1\.xml "):
        brand.load(path)
    shutil.copy(path, project.root / "templates" / "reference.docx")
    for args in (("validate",), ("build", EXAMPLE_ID, "--out", "out")):
        done = interim(project.root, *args)
        assert done.returncode == 1
        assert "reference.docx: part word/header1.xml" in done.stderr
        assert SECRET not in done.stderr
    assert not (project.root / "out").exists() or not list((project.root / "out").rglob("*.docx"))


# ------------------------------------------------------------------ 9. bytecode cache

def test_9_a_planted_bytecode_cache_file_never_runs(project: ExampleProject,
                                                    tmp_path: Path) -> None:
    cache, marker = tmp_path / "shared-cache", tmp_path / "pwned"
    env = {"XDG_CACHE_HOME": str(cache)}
    first = interim(project.root, "build", EXAMPLE_ID, "--doc", "proposal", "--out", "a", env=env)
    assert first.returncode == 0, first.stderr
    planted = 0
    payload = marshal.dumps(compile(f"open({str(marker)!r}, 'w').write('x')", "p", "exec"))
    for entry in cache.rglob("*.cache"):  # another user's: same name, their code
        with entry.open("rb") as handle:
            magic = handle.read(len(bc_magic))
            checksum = pickle.load(handle)
        entry.write_bytes(magic + pickle.dumps(checksum, 2) + payload)
        entry.chmod(0o666)
        if os.getuid() == 0:
            os.chown(entry, 65534, 65534)
        planted += 1
    second = interim(project.root, "build", EXAMPLE_ID, "--doc", "proposal", "--out", "b", env=env)
    assert second.returncode == 0, second.stderr
    assert not marker.exists(), "a planted cache file ran code"
    assert ((project.root / "a" / EXAMPLE_ID / "proposal.docx").read_bytes()
            == (project.root / "b" / EXAMPLE_ID / "proposal.docx").read_bytes())
    assert planted or not cache.exists()


# ------------------------------------------------------------------ 10. killing --pdf

def _office_of(marker: str) -> list[int]:
    """Processes whose command line names `marker` (the build's private TMPDIR)."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes()
            except OSError:
                continue
            if marker.encode() in cmdline and b"interim-pdf-" in cmdline:
                found.append(int(proc.name))
    return found


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_10_killing_a_pdf_build_leaves_no_libreoffice_and_no_profile(
        project: ExampleProject, tmp_path: Path, how: signal.Signals) -> None:
    private = tmp_path / "tmp"
    private.mkdir()
    env = {**ENV, "TMPDIR": str(private)}
    for other in ("zz-tweede-2027", "zz-derde-2027"):  # more documents: a longer export
        copy_example(project.root, other).edit(f"id: {EXAMPLE_ID}", f"id: {other}")
    build = subprocess.Popen([str(INTERIM), "build", "--pdf", "-j", "1", "--out", "out"],
                             cwd=project.root, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 90
    while not _office_of(str(private)) and time.monotonic() < deadline:
        assert build.poll() is None, "the build ended before LibreOffice started"
        time.sleep(0.1)
    assert _office_of(str(private)), "LibreOffice never started"
    build.send_signal(how)
    build.wait(timeout=60)
    # After SIGKILL the watchdog ends LibreOffice, then removes the folder, then ends: its
    # command line names the folder, so _office_of finds it until the folder is gone. The
    # allowance is the watchdog's own (guard.GONE_WITHIN) plus slack for a loaded machine.
    deadline = time.monotonic() + guard.GONE_WITHIN + 25
    while _office_of(str(private)) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = _office_of(str(private))
    assert left == [], f"outlived the build: {_commands(left)}"
    assert sorted(p.name for p in private.iterdir()) == [], "the build left temporary files"

    # A build killed together with its watchdog leaves its work folder; the next removes it.
    stale = private / f"interim-pdf-{_dead_pid()}-abc123" / "profile" / "user"
    stale.mkdir(parents=True)
    again = subprocess.run([str(INTERIM), "build", EXAMPLE_ID, "--doc", "proposal", "--pdf",
                            "--out", "out"], cwd=project.root, env=env, capture_output=True,
                           text=True, timeout=300, check=False)
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in private.iterdir()) == []
    assert (project.root / "out" / EXAMPLE_ID / "proposal.pdf").is_file()


def _commands(pids: list[int]) -> list[str]:
    """What each process is (state and command line), for a message."""
    said = []
    for pid in pids:
        with contextlib.suppress(OSError):
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            said.append(f"{pid} {stat[0]} ppid {stat[1]} pgrp {stat[2]}: {command.decode()[:300]}")
    return said


def _dead_pid() -> int:
    """The id of a process that has ended."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


# ------------------------------------------------------------------ 11. links by scheme

REFUSED_LINKS = ["ms-msdt:/id PCWDiagnostic", "search-ms:query=x", "smb://host/share",
                 "//host/share", "\\\\host\\share", "ms-word:ofe|u|https://x/y.docx",
                 "notes/plan.md"]


@pytest.mark.parametrize("href", REFUSED_LINKS)
def test_11_links_other_than_http_mailto_tel_or_anchor_are_refused(
        project: ExampleProject, href: str) -> None:
    file, line = place(project, f"Zie [dit](<{href}>).", included=False)
    checked = interim(project.root, "validate")
    assert checked.returncode == 1
    said_at(checked.stderr, file, line, "is not allowed")
    with pytest.raises(MarkdownError, match="is not allowed") as info:
        Converter().convert(f"Intro.\n\nZie [dit](<{href}>).\n", DocumentMeta(title="t"),
                            base_dir=project.folder)
    assert info.value.line == 3


def test_11_allowed_links_become_live_links(project: ExampleProject) -> None:
    links = ["https://example.com/a", "mailto:a@example.com", "tel:+3291234567", "#inleiding"]
    place(project, " ".join(f"[l{i}](<{h}>)" for i, h in enumerate(links)), included=False)
    built = interim(project.root, "build", EXAMPLE_ID, "--doc", "proposal", "--out", "out")
    assert built.returncode == 0, built.stderr
    xml = xml_of(project.root / "out")
    for href in links[:3]:
        assert f'Target="{href}"' in xml
    assert 'w:anchor="inleiding"' in xml


# ------------------------------------------------------------------ 12. template limits

@pytest.mark.parametrize("body", [
    "{% for x in range(100000000) %}x{% endfor %}",
    "{{ 'x' * 1000000000 }}",
    "{{ 7 ** 1000000000 }}",
    "{% for a in range(90000) %}{% for b in range(90000) %}xxxxxxxxxx{% endfor %}{% endfor %}",
], ids=["range", "repeat", "power", "output"])
def test_12_sandbox_limits_are_template_errors_with_file_and_line(
        project: ExampleProject, body: str) -> None:
    own = project.root / "mytemplates" / "shared"
    own.mkdir(parents=True)
    (own / "proposal.md.j2").write_text("# Voorstel\n\n" + body + "\n", encoding="utf-8")
    set_firm(project.root, "templates", "mytemplates")
    done = interim(project.root, "build", EXAMPLE_ID, "--doc", "proposal", "--out", "out",
                   limit=LIMIT, timeout=300)
    assert done.returncode == 1
    assert re.search(r"mytemplates/shared/proposal\.md\.j2:3: template error", done.stderr), \
        done.stderr


# ------------------------------------------------------------------ 13. a bare system Python

def test_13_the_subprocess_tests_use_this_environment_not_path(tmp_path: Path) -> None:
    """With PATH holding no interim and no python of this environment, the tests that run
    the command still run (not skip) and pass."""
    bare = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    bare["PATH"] = "/usr/bin:/bin"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
         "tests/test_cli.py::test_validate_real_subprocess"],
        cwd=ROOT, env=bare, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout and "skipped" not in done.stdout
