"""Hostile and broken input: clear errors, nothing executed, nothing lost.

1. Any Unicode typed into free-text fields gives a .docx that shows it as typed, or a
   located error in assignment.yaml (property-based; `HYPOTHESIS_PROFILE=long` for more).
2. Nothing executes: YAML Python tags, Jinja in values, script links, pictures and
   includes leaving the folder are refused where they stand or printed as typed.
3. Nothing is lost: a killed, refused or failed build leaves the previous document whole.
4. Scale: 2,000 milestones and 2,000 actions, and 1 MB texts, within generous bounds.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unicodedata
import uuid
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from docx_reading import EPOCH, ROOT, Docx, builder, load_source, source_date_epoch
from example_project import ExampleProject, assert_located, copy_example, only
from hypothesis import event, given, settings
from hypothesis import strategies as st
from PIL import Image

from generator.delivery.build import TIMELINE_WIDTH_PX, build_all, plan
from generator.errors import Diagnostic, SourceError
from generator.source.project import Project, load_assignment
from generator.writer import package

EXAMPLE_ID = "dl-logistiek-2027"
INTERIM = Path(sys.executable).with_name("interim")
ENV = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}

PROFILE = settings()  # the run's profile (tests/conftest.py): "ci", or "long" in make test-long


_TYPESET = str.maketrans({"\u2019": "'", "\u201c": '"', "\u201d": '"'})


def as_read(text: str) -> str:
    """Text compared as a reader compares it, whichever side it comes from:
    - in Unicode NFC, as the generator reads every source (docs/format.md, "Ids"): `e`
      typed with a combining accent prints as the one letter `é`, the same text by
      Unicode's definition (canonically equivalent, drawn alike);
    - with typographic quotes straight, as typed: every value prints typeset
      (docs/format.md, "Typography": `O'Brien` -> O’Brien, `"x"` -> “x”). One character
      for one, so a quote dropped, added or moved still shows."""
    return unicodedata.normalize("NFC", text).translate(_TYPESET)


def normal(text: str) -> str:
    return " ".join(as_read(text).split())


def squeezed(text: str) -> str:
    return "".join(as_read(text).split())


class QuotingDumper(yaml.SafeDumper):
    """Every string double-quoted: escapes keep NEL, LS and PS, which plain styles fold."""


QuotingDumper.add_representer(
    str, lambda dumper, text: dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"'))


def example_data() -> dict[str, Any]:
    """The example as data; prose items YAML reads as one-pair mappings made text again."""
    def unprose(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: unprose(v) for k, v in value.items()}
        if isinstance(value, list):
            return [f"{next(iter(v))}: {next(iter(v.values()))}"
                    if isinstance(v, dict) and len(v) == 1 and " " in next(iter(v))
                    else unprose(v) for v in value]
        return value

    return unprose(load_source(EXAMPLE_ID))


def write_project(root: Path, data: dict[str, Any]) -> Path:
    """A project under `root` with the example's analyse.md and `data` as assignment.yaml."""
    folder = root / "assignments" / EXAMPLE_ID
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "assignments" / EXAMPLE_ID / "analyse.md", folder / "analyse.md")
    dumped = yaml.dump(data, Dumper=QuotingDumper, allow_unicode=True, sort_keys=False,
                       width=100)
    assert yaml.safe_load(dumped) == data, "PyYAML did not round-trip the value"
    (folder / "assignment.yaml").write_text(dumped, encoding="utf-8")
    return folder


def copy_firm(root: Path) -> None:
    """The repository's firm.yaml with the files it names (brand template, logo)."""
    shutil.copy(ROOT / "firm.yaml", root / "firm.yaml")
    shutil.copytree(ROOT / "templates", root / "templates", dirs_exist_ok=True)


def opens(path: Path) -> Docx:
    """A complete .docx: the zip checks out, python-docx opens it; returned for reading."""
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None, path
    docx.Document(str(path))
    return Docx(path)


# =============================================================== 1. arbitrary text

TRICKY = [
    "# ", "## Kop", "* ", "- ", "+ ", "1. ", "> ", "_", "__x__", "*x*", "**", "`", "```",
    "[x](y)", "![x](y)", "[x]", "|", "| a | b |\n|---|---|", "::: {.x}", "\n::: {.x}\n",
    ":::", "{.x}", "[x]{.status-done}", "{{ 7*7 }}", "{% for x in y %}", "{# c #}",
    "<script>alert(1)</script>", "<b>", "&amp;", "&#0;", "\\", "\\\\", "\\*", "😀",
    "👩\u200d👩\u200d👧", "🇧🇪", "مرحبا بالعالم", "שלום", "\u202e", "\u200f", "e\u0301",
    "\u0301\u0302", "ﬁ", "Ω", "x" * 300, "\n", "\n\n", "  \n", "\t", "    ", "\u00a0",
    "\u2028", "\x85", "---", "===", "[^1]", "[^1]: n", "$x$", "~~s~~", "<https://x.y>",
    "\x07", "\x1b", "\ufffe", "ok", "2027-01-11", "123", "yes", "null", "~", "&", "%",
]
TEXT = st.lists(st.one_of(st.sampled_from(TRICKY), st.text(max_size=15)), max_size=8).map(
    "".join)

Kind = str  # "plain" | "inline" | "block"
FIELDS: dict[str, tuple[tuple[str | int, ...], Kind]] = {
    "title": (("title",), "plain"),
    "client.name": (("client", "name"), "plain"),
    "person name": (("people", 0, "name"), "plain"),
    "objective statement": (("intake", "objectives", 0, "statement"), "inline"),
    "milestone title": (("analysis", "milestones", 0, "title"), "inline"),
    "scope item": (("intake", "scope", "in", 0), "inline"),
    "intake.situation": (("intake", "situation"), "block"),
    "progress decision": (("execution", "progress", 0, "decisions", 0), "inline"),
}


def set_path(data: Any, path: tuple[str | int, ...], value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def build_or_locate(folder: Path, out: Path,
                    kinds: tuple[str, ...]) -> dict[str, Docx] | list[Diagnostic]:
    """Build `kinds`; the errors when the sources are refused (each one located)."""
    try:
        loaded = load_assignment(folder)
    except SourceError as exc:
        assert exc.diagnostics
        for d in exc.diagnostics:
            assert d.location.file.name == "assignment.yaml", str(d)
            assert d.location.line > 0, str(d)
        return exc.diagnostics
    with source_date_epoch(EPOCH):
        paths = [builder().write(job, out) for job in plan(loaded, kinds).jobs]
    return {p.name: opens(p) for p in paths}


def test_the_unedited_example_builds_through_the_same_path(tmp_path: Path) -> None:
    docs = build_or_locate(write_project(tmp_path, example_data()), tmp_path / "out",
                           ("proposal", "progress"))
    assert isinstance(docs, dict) and len(docs) == 3  # the proposal and two progress reports


def refused_for_what_was_typed(error: Diagnostic, typed: str) -> bool:
    """Whether the error names what was typed: a control character in it, nothing visible
    at all, a fence it opened, or a piece of it quoted (a link, an unknown or unclosed `:::`
    directive...; white space aside).
    A refusal of typed text that names none of it is a defect."""
    said = f"{error.message} ({error.hint})"
    character = re.search(r"control character U\+([0-9A-F]{4,6})", said)
    if character:
        return chr(int(character[1], 16)) in typed
    if " is empty" in error.message:  # "\b" alone is empty: a title must show something
        return not any(c.isprintable() and not c.isspace() for c in typed)
    if "code block" in error.message:  # a fence typed and never closed
        return any(fence in typed for fence in ("```", "~~~"))
    bare = re.sub(r"\s", "", as_read(typed))  # a message quotes ':::# ' as '::: #'
    quoted = [re.sub(r"\s", "", as_read(piece.strip(".…"))) for piece in
              re.findall(r"'([^']+)'", error.message)]
    return any(piece and piece in bare for piece in quoted)


@pytest.mark.parametrize("field", list(FIELDS))
@settings(PROFILE)
@given(typed=TEXT)
def test_any_text_builds_as_typed_or_is_located(field: str, typed: str) -> None:
    path, kind = FIELDS[field]
    data = example_data()
    set_path(data, path, typed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_project(Path(tmp), data)
        docs = build_or_locate(folder, Path(tmp) / "out", ("proposal", "progress"))
        event("refused, located" if isinstance(docs, list) else "built")
        if isinstance(docs, list):
            for error in docs:
                assert refused_for_what_was_typed(error, typed), (typed, field, str(error))
            return
        text = "\n".join(d.text for d in docs.values())
        has_syntax = re.search(r"[!-/:-@\[-`{-~]", typed)
        if kind == "plain":
            assert normal(typed) in normal(text), (typed, field)
            if field == "title":
                assert normal(docs["proposal.docx"].core["subject"]) == normal(typed)
        elif not has_syntax:
            assert squeezed(typed) in squeezed(text), (typed, field)
        if "7*7" in typed:
            assert "49" not in no_example_49(text)


def _built_with(tmp_path: Path, field: str, typed: str) -> str:
    """The proposal's and progress reports' text with `typed` in the example's `field`."""
    data = example_data()
    set_path(data, FIELDS[field][0], typed)
    docs = build_or_locate(write_project(tmp_path, data), tmp_path / "out",
                           ("proposal", "progress"))
    assert isinstance(docs, dict), [str(d) for d in docs]
    return "\n".join(d.text for d in docs.values())


@pytest.mark.parametrize("field", ["person name", "client.name", "intake.situation"])
def test_a_combining_accent_prints_as_the_same_letter(tmp_path: Path, field: str) -> None:
    """Found with HYPOTHESIS_SEED=1: `e` + U+0301 prints as `é` (U+00E9), the same text
    in Unicode (NFC, as every source is read); the test's oracle compared code points."""
    text = _built_with(tmp_path, field, "Rene\u0301 Wouters")
    assert "Ren\u00e9 Wouters" in text
    assert "\u0301" not in text


@pytest.mark.parametrize("field", ["title", "client.name", "person name"])
def test_quotes_and_apostrophes_in_plain_text_print_typeset(tmp_path: Path,
                                                            field: str) -> None:
    """Found probing the plain fields: `O'Brien` prints O’Brien and `"De Molen"` “De Molen”
    (docs/format.md, Typography), a lone quote stays straight; the oracle now compares
    typographic quotes as the straight ones typed."""
    text = _built_with(tmp_path, field, 'Bakkerij "De Molen" O\'Brien, 5" en \'t Stoofke')
    assert "Bakkerij \u201cDe Molen\u201d O\u2019Brien, 5\" en 't Stoofke" in text


def no_example_49(text: str) -> str:
    """The text without the example's own 49s (the year 2049, "49 %" of the period elapsed
    at the phase gate), so that a 49 left is `{{ 7*7 }}` evaluated."""
    return re.sub(r"\b49\s%", "", text.replace("2049", ""))


FORBIDDEN = [*map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]), "\ufffe", "\uffff"]
TITLE = "title: Herstructurering van de logistieke afdeling"


def _said(ch: str) -> str:
    return "NUL" if ch == "\x00" else f"U+{ord(ch):04X}"


@pytest.mark.parametrize("ch", FORBIDDEN, ids=lambda c: f"U+{ord(c):04X}")
def test_forbidden_character_escaped_in_yaml_is_refused_at_its_line(example: ExampleProject,
                                                                    ch: str) -> None:
    example.edit(TITLE, f'title: "Voor\\u{ord(ch):04X}na"')
    error = only(example.errors(), f"U+{ord(ch):04X}")
    assert_located(error, example.yaml, example.line_of('title: "Voor'), "control character")


@pytest.mark.parametrize("ch", FORBIDDEN, ids=lambda c: f"U+{ord(c):04X}")
def test_forbidden_character_raw_in_yaml_is_refused_at_its_line(example: ExampleProject,
                                                                ch: str) -> None:
    example.edit("  name: De Linde Distributie NV", f"  name: De Linde{ch} Distributie NV")
    error = only(example.errors(), _said(ch))
    assert_located(error, example.yaml, example.line_of("  name: De Linde"))


@pytest.mark.parametrize("ch", FORBIDDEN, ids=lambda c: f"U+{ord(c):04X}")
def test_forbidden_character_in_included_markdown_is_refused_at_its_line(
        example: ExampleProject, ch: str) -> None:
    md = example.folder / "analyse.md"
    md.write_text(f"Eerste regel.\n\nDerde{ch} regel.\n", encoding="utf-8")
    error = only(example.errors(), _said(ch))
    assert_located(error, md, 3)


def test_allowed_whitespace_controls_pass(example: ExampleProject) -> None:
    example.edit(TITLE, 'title: "Herstructurering\\tvan de\\r\\nafdeling"')
    (example.folder / "analyse.md").write_text("Een\tregel.\r\nTwee.\r\n", encoding="utf-8")
    assert example.load().assignment.title == "Herstructurering\tvan de\r\nafdeling"


FIXED_TRICKY = {
    "markdown": "# Kop * _x_ [x](https://x.y) | ::: {.x} `code` \\ **vet**",
    "jinja-html": "{{ 7*7 }} {% for x in y %} <script>alert(1)</script> &amp;",
    "scripts": "مرحبا שלום \u202e😀👩\u200d👩\u200d👧 e\u0301 ﬁ Ω",
    "long-word": "Donaudampfschifffahrtsgesellschaft" * 20,
    "lines": "eerste\n\ntweede\n- derde\n1. vierde\n> vijfde",
}


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_tricky_documents_convert_to_pdf(tmp_path: Path) -> None:
    sources = []
    for name, typed in FIXED_TRICKY.items():
        data = example_data()
        for path, _ in FIELDS.values():
            set_path(data, path, typed)
        docs = build_or_locate(write_project(tmp_path / name, data), tmp_path / name / "out",
                               ("proposal",))
        assert isinstance(docs, dict), name
        target = tmp_path / "in" / f"{name}.docx"
        target.parent.mkdir(exist_ok=True)
        shutil.copy(docs["proposal.docx"].path, target)
        sources.append(target)
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"),
                    *map(str, sources)], check=True, capture_output=True, timeout=240)
    for source in sources:
        pdf = tmp_path / "pdf" / (source.stem + ".pdf")
        assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF"), pdf.name


# =============================================================== 2. nothing executed

PAYLOADS = {
    "apply": "title: !!python/object/apply:os.system ['touch {m}']",
    "apply-subprocess": "title: !!python/object/apply:subprocess.check_call [[touch, '{m}']]",
    "new-with-state": "title: !!python/object/new:str "
                      "{{state: !!python/object/apply:os.system ['touch {m}']}}",
    "name": "title: !!python/name:os.system",
    "verbatim": "title: !<tag:yaml.org,2002:python/object/apply:os.system> ['touch {m}']",
    "tag-directive": "%TAG !p! tag:yaml.org,2002:python/\n---\n"
                     "title: !p!object/apply:os.system ['touch {m}']",
}


@pytest.mark.parametrize("name", list(PAYLOADS))
def test_python_tags_run_nothing_and_are_located(example: ExampleProject, tmp_path: Path,
                                                 name: str) -> None:
    marker = tmp_path / f"ran-{uuid.uuid4().hex}"
    payload = PAYLOADS[name].format(m=marker)
    text = example.text.replace(TITLE, payload.split("\n")[-1])
    if "\n" in payload:
        text = payload.rsplit("\n", 1)[0] + "\n" + text
    example.write(text)
    error = only(example.errors(), "is not allowed")
    assert_located(error, example.yaml, example.line_of("title: !"), "YAML tag", "remove the tag")
    assert not marker.exists(), "a YAML tag ran a command"
    if name.startswith("apply"):  # the payload is real: an unsafe loader would have run it
        yaml.unsafe_load(payload.format(m=marker))
        assert marker.exists()


@pytest.mark.parametrize("where", ["client: ", "    - ", "people:\n  - "])
def test_python_tags_on_mappings_and_list_items(example: ExampleProject, tmp_path: Path,
                                                where: str) -> None:
    marker = tmp_path / "ran"
    tag = f"!!python/object/apply:os.system {{args: ['touch {marker}']}}"
    if where == "client: ":
        example.edit("client:\n", f"client: {tag}\n")
        example.cut("  name: De Linde Distributie NV", "interim_manager:")
    elif where == "    - ":
        example.edit("      - Herinrichting van het orderpickproces",
                     f"      - {tag}")
    else:
        example.edit("people:                          # everyone referenced elsewhere, by id\n",
                     f"people:\n  - {tag}\n")
    errors = example.errors()
    error = only(errors, "python/object/apply:os.system")
    assert_located(error, example.yaml, example.line_of("!!python"))
    assert not marker.exists()


def test_cli_validate_refuses_a_tag_without_traceback(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    marker = tmp_path / "ran"
    project.edit(TITLE, f"title: !!python/object/apply:os.system ['touch {marker}']")
    result = subprocess.run([str(INTERIM), "validate", EXAMPLE_ID], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60, env=ENV)
    assert result.returncode == 1
    assert f"assignment.yaml:{project.line_of('title: !!')}:" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not marker.exists()


SANDBOX = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{% import os %}{{ os.system('id') }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ self._TemplateReference__context }} {{ 7*7 }}",
    "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
]


@pytest.mark.parametrize("typed", SANDBOX)
def test_template_syntax_in_values_prints_as_typed(tmp_path: Path, typed: str) -> None:
    data = example_data()
    for field in ("title", "client.name", "person name"):
        set_path(data, FIELDS[field][0], typed)
    for field in ("objective statement", "progress decision", "scope item"):
        set_path(data, FIELDS[field][0], typed)
    docs = build_or_locate(write_project(tmp_path, data), tmp_path / "out",
                           ("proposal", "progress"))
    assert isinstance(docs, dict)
    for name, d in docs.items():
        assert typed in d.text, name  # the Plain fields, exactly
        assert "<class" not in d.text and "uid=" not in d.text, name
        assert "49" not in no_example_49(d.text), name
    # The prose fields keep emphasis (`__x__`), but never evaluate: the braces stay.
    proposal = docs["proposal.docx"].text
    assert proposal.count("{%" if "{%" in typed else "{{") >= 6


SCHEMES = ["javascript:", "vbscript:", "data:", "file:", "JaVaScRiPt:", " javascript:"]
FORMS = {
    "inline": "[klik]({s}alert(1))",
    "autolink": "zie <{s}alert(1)>",
    "reference": "[klik][r]\n\n[r]: {s}alert(1)",
    "nested": "[[klik]]({s}alert(1))",
    "escaped": "[a\\]b]({s}alert(1))",
    "footnote": "tekst[^1]\n\n[^1]: zie [hier]({s}alert(1))",
}


def _place_text(example: ExampleProject, place: str, value: str) -> tuple[Path, str]:
    """Put `value` in a scope item, the situation or analyse.md; (file, line marker)."""
    if place == "scope item":
        example.edit("      - Herinrichting van het orderpickproces",
                     f"      - {json.dumps(value)}")
        return example.yaml, "      - \""
    if place == "situation":
        text = example.text
        start, end = text.index("  situation: |"), text.index("  scope:")
        example.write(text[:start] + f"  situation: {json.dumps(value)}\n" + text[end:])
        return example.yaml, "  situation:"
    (example.folder / "analyse.md").write_text("Inleiding.\n\n" + value + "\n",
                                               encoding="utf-8")
    return example.yaml, "summary: {include: analyse.md}"


PLACES = ("scope item", "situation", "analyse.md")
LINK_CASES = [
    (place, form, scheme)
    for place in PLACES for form in FORMS for scheme in SCHEMES
    # An autolink cannot start with a blank; a one-line list item holds no definitions.
    if not (form == "autolink" and scheme.startswith(" "))
    and not (form in ("reference", "footnote") and place == "scope item")
]


@pytest.mark.parametrize(("place", "form", "scheme"), LINK_CASES)
def test_script_links_are_located_errors(example: ExampleProject, place: str, form: str,
                                         scheme: str) -> None:
    _, marker = _place_text(example, place, FORMS[form].format(s=scheme))
    errors = example.errors()
    error = only(errors, "is not allowed")
    assert_located(error, example.yaml, example.line_of(marker), "http(s): or mailto:")
    if place == "analyse.md":
        assert "in analyse.md" in error.message


def test_entity_encoded_script_link_is_located(example: ExampleProject) -> None:
    _place_text(example, "situation", "[klik](java&#115;cript&#58;alert(1))")
    error = only(example.errors(), "is not allowed")
    assert_located(error, example.yaml, example.line_of("  situation:"), "'javascript:")


def test_unknown_directive_in_prose_is_located(example: ExampleProject) -> None:
    _place_text(example, "situation", "::: {.x}\ntekst\n:::")
    error = only(example.errors(), "unknown directive")
    assert_located(error, example.yaml, example.line_of("  situation:"), "::: pagebreak")


@pytest.fixture
def outside_picture(example: ExampleProject, tmp_path: Path) -> Path:
    picture = tmp_path / "outside" / "plan.png"
    picture.parent.mkdir()
    shutil.copy(ROOT / "templates" / "reference.docx", picture)  # any bytes will do
    return picture


PICTURE_CASES = [
    (place, how)
    for place in PLACES
    for how in ("dotdot", "absolute", "symlink", "symlinked-folder", "reference")
    if not (how == "reference" and place == "scope item")  # no definitions in a list item
]


@pytest.mark.parametrize(("place", "how"), PICTURE_CASES)
def test_pictures_outside_the_folder_are_located(example: ExampleProject, outside_picture: Path,
                                                 place: str, how: str) -> None:
    rel = os.path.relpath(outside_picture, example.folder)
    if how == "symlink":
        (example.folder / "plan.png").symlink_to(outside_picture)
    if how == "symlinked-folder":
        (example.folder / "beelden").symlink_to(outside_picture.parent)
    target = {"dotdot": rel, "absolute": str(outside_picture), "symlink": "plan.png",
              "symlinked-folder": "beelden/plan.png", "reference": rel}[how]
    value = f"![plan]({target})" if how != "reference" else f"![plan][p]\n\n[p]: {target}"
    _, marker = _place_text(example, place, value)
    error = only(example.errors(), "leaves the assignment folder")
    assert_located(error, example.yaml, example.line_of(marker), "picture")


def test_include_through_symlinked_folder_pointing_outside(example: ExampleProject,
                                                           tmp_path: Path) -> None:
    (tmp_path / "elders").mkdir()
    (tmp_path / "elders" / "geheim.md").write_text("geheim\n", encoding="utf-8")
    (example.folder / "teksten").symlink_to(tmp_path / "elders")
    example.edit("summary: {include: analyse.md}", "summary: {include: teksten/geheim.md}")
    error = only(example.errors(), "leaves the assignment folder")
    assert_located(error, example.yaml, example.line_of("{include: teksten/geheim.md}"))


# =============================================================== 3. nothing lost

def big_assignment(count: int) -> dict[str, Any]:
    """The example with `count` milestones and actions; every objective served."""
    data = example_data()
    start, end = data["period"]["start"], data["period"]["end"]
    days = (end - start).days
    objectives = [o["id"] for o in data["intake"]["objectives"]]
    due = [start + datetime.timedelta(days=(i * days) // count) for i in range(1, count + 1)]
    data["analysis"]["milestones"] = [
        {"id": f"M{i}", "title": f"Mijlpaal {i}: deelproject afgerond", "due": due[i - 1],
         "objectives": [objectives[i % len(objectives)]], "owner": "jpeeters",
         "acceptance": f"Mijlpaal {i} is aantoonbaar bereikt en door de CEO goedgekeurd"}
        for i in range(1, count + 1)]
    data["analysis"]["actions"] = [
        {"id": f"A{i}", "milestone": f"M{i}", "description": f"Actie {i} volgens plan uitvoeren",
         "owner": "smertens", "start": start, "due": due[i - 1]}
        for i in range(1, count + 1)]
    data["execution"]["progress"][0]["milestones"] = {"M1": "done", "M2": "at_risk"}
    data["closing"]["milestones"] = {f"M{i}": "done" for i in range(1, count + 1)}  # rule 13
    return data


CPU_BUDGET = 60  # seconds of processor time, whatever the machine's load


def cpu_seconds(who: int) -> float:
    used = resource.getrusage(who)
    return used.ru_utime + used.ru_stime


def limit_cpu() -> None:
    """In the child: past the budget the kernel stops it (SIGXCPU), so it fails, not hangs."""
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_BUDGET, CPU_BUDGET + 5))


def run_in_budget(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess, float, int]:
    """Run `interim` under /usr/bin/time -v within CPU_BUDGET: (result, CPU s, peak RSS kB).

    Processor time, not wall time: a loaded machine stretches the second, not the first."""
    time_v = ["/usr/bin/time", "-v"] if Path("/usr/bin/time").exists() else []
    before = cpu_seconds(resource.RUSAGE_CHILDREN)
    result = subprocess.run([*time_v, str(INTERIM), *args], cwd=cwd, capture_output=True,
                            text=True, timeout=600, env=ENV, preexec_fn=limit_cpu)
    cpu = cpu_seconds(resource.RUSAGE_CHILDREN) - before
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    rss = int(peak[1]) if peak else resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return result, cpu, rss


@pytest.fixture(scope="module")
def big_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("big")
    write_project(root, big_assignment(2000))
    copy_firm(root)
    return root


def docx_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.docx"))}


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(package.TEMP_SUFFIX)) \
        if folder.is_dir() else []


def test_killed_builds_leave_whole_documents_or_none(big_project: Path, tmp_path: Path) -> None:
    good_dir = tmp_path / "good"
    started = time.perf_counter()
    first = subprocess.run([str(INTERIM), "build", EXAMPLE_ID, "--out", str(good_dir), "-q"],
                           cwd=big_project, capture_output=True, text=True, timeout=300, env=ENV)
    duration = time.perf_counter() - started
    assert first.returncode == 0, first.stderr
    good = docx_files(good_dir / EXAMPLE_ID)
    assert len(good) == 6
    for name in good:
        opens(good_dir / EXAMPLE_ID / name)
    delays = [duration * (i + 0.5) / 10 for i in range(10)]
    seen: dict[str, int] = {"absent": 0, "whole": 0, "temp files left": 0}
    for index, delay in enumerate(delays):
        out = tmp_path / f"kill-{index}"
        folder = out / EXAMPLE_ID
        previous = index % 2 == 1  # every other run starts over the previous good files
        if previous:
            shutil.copytree(good_dir, out)
        process = subprocess.Popen([str(INTERIM), "build", EXAMPLE_ID, "--out", str(out), "-q"],
                                   cwd=big_project, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, env=ENV)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        for name, data in good.items():
            target = folder / name
            if not target.exists():
                assert not previous, f"{name} lost after a kill at {delay:.2f} s"
                seen["absent"] += 1
                continue
            opens(target)
            assert target.read_bytes() == data, f"{name} differs after a kill at {delay:.2f} s"
            seen["whole"] += 1
        left = leftovers(folder)
        seen["temp files left"] += len(left)
        if index == len(delays) - 1:  # what a kill inside write_atomic leaves, by its name
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f".action-plan.docx.docx-writer-{process.pid}-0.tmp").write_bytes(b"PK")
            left = leftovers(folder)
        if left or index == len(delays) - 1:  # the next build, even of one document, cleans
            again = subprocess.run([str(INTERIM), "build", EXAMPLE_ID, "--doc", "proposal",
                                    "--out", str(out), "-q"], cwd=big_project,
                                   capture_output=True, text=True, timeout=300, env=ENV)
            assert again.returncode == 0, again.stderr
            assert leftovers(folder) == [], "the next build left stale temp files"
            assert (folder / "proposal.docx").read_bytes() == good["proposal.docx"]
    print(f"\nfull build of 2,000 milestones: {duration:.2f} s; kills at "
          + ", ".join(f"{d:.2f}" for d in delays) + f" s; {seen}")


@pytest.fixture
def built_project(tmp_path: Path) -> tuple[Project, Path, dict[str, bytes]]:
    """The example in a project, every document built once: (project, out folder, bytes)."""
    project = copy_example(tmp_path)
    copy_firm(tmp_path)
    out = tmp_path / "build"
    with source_date_epoch(EPOCH):
        report = build_all(Project(tmp_path), [EXAMPLE_ID], out_dir=out)
    assert not report.failed and len(report.written) == 6
    return project, out / EXAMPLE_ID, docx_files(out / EXAMPLE_ID)


def _stat(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}


def test_refused_build_keeps_the_previous_document(built_project) -> None:
    project, folder, before = built_project
    stats = _stat(folder)
    project.cut("  acceptance:                    # formal", "\n# ---- Phase 3")
    with source_date_epoch(EPOCH):
        report = build_all(Project(project.root), [EXAMPLE_ID], ["handbook"],
                           out_dir=folder.parent)
    assert report.failed and "analysis.acceptance" in report.failed[0]
    assert docx_files(folder) == before and _stat(folder) == stats


@pytest.mark.parametrize(("old", "new"), [
    ("day_rate: 1050", "day_rate: duizend"),
    ("  name: De Linde Distributie NV", '  name: "De Linde\\x07"'),
    ("- Herinrichting van het orderpickproces", "- Zie [x](javascript:alert(1))"),
])
def test_failed_build_keeps_every_previous_document(built_project, old: str, new: str) -> None:
    project, folder, before = built_project
    stats = _stat(folder)
    project.edit(old, new)
    with source_date_epoch(EPOCH):
        report = build_all(Project(project.root), [EXAMPLE_ID], out_dir=folder.parent)
    assert report.failed and "assignment.yaml:" in report.failed[0]
    assert docx_files(folder) == before and _stat(folder) == stats


@pytest.mark.parametrize("template", [
    "# Actieplan\n\n{{ a.title }}\n\n{{ nope.x }}\n",  # template error mid-way
    "# Actieplan\n\n{{ a.title }}\n\n::: onbekend\nx\n:::\n",  # renderer error mid-way
])
def test_template_or_renderer_error_writes_nothing_for_that_document(
        built_project, template: str) -> None:
    project, folder, before = built_project
    stats = _stat(folder)
    firm = project.root / "firm.yaml"
    firm.write_text(firm.read_text(encoding="utf-8") + "\ntemplates: eigen\n", encoding="utf-8")
    (project.root / "eigen" / "shared").mkdir(parents=True)
    (project.root / "eigen" / "shared" / "action-plan.md.j2").write_text(template,
                                                                         encoding="utf-8")
    with source_date_epoch(EPOCH):
        report = build_all(Project(project.root), [EXAMPLE_ID], out_dir=folder.parent)
    assert len(report.failed) == 1 and "action-plan" in report.failed[0], report.failed
    assert _stat(folder)["action-plan.docx"] == stats["action-plan.docx"]
    assert docx_files(folder)["action-plan.docx"] == before["action-plan.docx"]
    assert len(report.written) == 5 and leftovers(folder) == []


def test_failure_while_writing_keeps_the_old_file_and_no_temp(
        built_project, monkeypatch: pytest.MonkeyPatch) -> None:
    _, folder, before = built_project
    target = folder / "proposal.docx"

    def disk_full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(package.os, "fsync", disk_full)
    with pytest.raises(OSError):
        package.write_atomic(target, b"half" * 1000)
    assert target.read_bytes() == before["proposal.docx"]
    assert leftovers(folder) == []


def test_stale_temp_files_of_dead_writers_are_cleaned_live_ones_kept(tmp_path: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / f".x.docx.docx-writer-{dead.pid}-0.tmp"
    live = tmp_path / f".x.docx.docx-writer-{os.getppid()}-0.tmp"
    other = tmp_path / ".notes.tmp"
    for path in (stale, live, other):
        path.write_bytes(b"x")
    package.clean_stale_temporaries(tmp_path)
    assert not stale.exists() and live.exists() and other.exists()


# =============================================================== 4. scale

def test_two_thousand_milestones_validate_and_build_in_bounds(big_project: Path,
                                                              tmp_path: Path) -> None:
    checked, check_cpu, check_rss = run_in_budget(["validate", EXAMPLE_ID], big_project)
    assert checked.returncode == 0, checked.stderr  # SIGXCPU past CPU_BUDGET
    out = tmp_path / "out"
    built, build_cpu, build_rss = run_in_budget(
        ["build", EXAMPLE_ID, "--doc", "action-plan", "--out", str(out)], big_project)
    assert built.returncode == 0, built.stderr
    print(f"\n2,000 milestones + 2,000 actions: validate {check_cpu:.2f} s CPU, "
          f"peak RSS {check_rss / 1024:.0f} MB; build action plan {build_cpu:.2f} s CPU, "
          f"peak RSS {build_rss / 1024:.0f} MB")
    assert check_rss < 1024 * 1024 and build_rss < 1024 * 1024
    d = opens(out / EXAMPLE_ID / "action-plan.docx")
    assert "M2000" in d.text and "A2000" in d.text
    sizes = []
    for _, blob in d.inline_images():
        with Image.open(io.BytesIO(blob)) as picture:
            sizes.append(picture.size)
    timelines = [size for size in sizes if size[0] == TIMELINE_WIDTH_PX]
    assert len(timelines) == 1, f"one timeline picture expected, pictures: {sizes}"
    assert timelines[0][1] < TIMELINE_WIDTH_PX, "2,000 milestones are summarised, not stacked"


PARAGRAPH = ("De logistieke afdeling verwerkt dagelijks duizenden orders, met wisselend "
             "succes en **te veel** fouten bij het picken. ") * 10 + "\n\n"
MEGABYTE = (PARAGRAPH * (1_000_000 // len(PARAGRAPH) + 1))[:1_000_000]


@pytest.mark.parametrize("where", ["situation", "analyse.md", "one word"])
def test_one_megabyte_text_is_built(tmp_path: Path, where: str) -> None:
    data = example_data()
    text = "x" * 1_000_000 if where == "one word" else MEGABYTE
    if where != "analyse.md":
        data["intake"]["situation"] = text
    folder = write_project(tmp_path, data)
    if where == "analyse.md":
        (folder / "analyse.md").write_text(text, encoding="utf-8")
    started = cpu_seconds(resource.RUSAGE_SELF)
    kind = "action-plan" if where == "analyse.md" else "proposal"
    docs = build_or_locate(folder, tmp_path / "out", (kind,))
    assert isinstance(docs, dict), "a 1 MB text is built, not refused"
    assert cpu_seconds(resource.RUSAGE_SELF) - started < CPU_BUDGET  # processor, not wall, time
    body = docs[f"{kind}.docx"].text
    expected = squeezed(text.replace("**", ""))
    assert expected in squeezed(body)


def test_source_file_over_the_limit_is_refused_clearly(example: ExampleProject) -> None:
    (example.folder / "analyse.md").write_text("x" * (6 * 1024 * 1024), encoding="utf-8")
    error = only(example.errors(), "too large")
    assert_located(error, example.yaml, example.line_of("summary: {include: analyse.md}"))

