"""The `interim` command: validate, new, list, schema; exit codes and located output."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest
import yaml
from click.testing import CliRunner, Result
from example_project import EXAMPLE_ID, REPO, ExampleProject, copy_example

from generator.cli import main

LOCATED = re.compile(r"^(?P<path>[^:\s]+):(?P<line>\d+):(?P<col>\d+): (?P<message>.+?)"
                     r"(?: \((?P<hint>.+)\))?$")
YAML = f"assignments/{EXAMPLE_ID}/assignment.yaml"


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def located(output: str) -> list[re.Match[str]]:
    return [m for m in map(LOCATED.match, output.splitlines()) if m]


# --------------------------------------------------------------------------- validate

BASELINE_D3 = ("      baseline: Geen opvolger in beeld; afdeling zonder directeur sinds "
               "oktober 2026\n")
"""The example's one line whose absence is a warning (an objective without baseline)."""


def test_validate_example_ok_with_one_warning(example: ExampleProject) -> None:
    example.edit(BASELINE_D3, "")
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert f"ok  {EXAMPLE_ID}" in result.stdout
    (warning,) = located(result.stderr)
    assert warning["path"] == YAML
    assert int(warning["line"]) == example.line_of("- id: D3")
    assert int(warning["col"]) > 0
    assert warning["message"] == "warning: objective D3 has no baseline"
    assert warning["hint"].startswith("add `baseline:`")


def test_validate_by_id_and_by_folder(example: ExampleProject) -> None:
    assert run("validate", EXAMPLE_ID).exit_code == 0
    assert run("validate", f"assignments/{EXAMPLE_ID}").exit_code == 0


def test_validate_finds_the_project_from_a_subfolder(example: ExampleProject,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(example.folder)
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert f"ok  {EXAMPLE_ID}" in result.stdout


def test_validate_errors_are_located_lines(example: ExampleProject) -> None:
    example.edit("sponsor: gdewit", "sponsor: gdewitt")
    example.edit("payment_days: 30", "payment_days: 90")
    result = run("validate")
    assert result.exit_code == 1
    errors = [m for m in located(result.stderr) if not m["message"].startswith("warning")]
    assert len(errors) == 2, result.stderr
    by_line = {int(m["line"]): m for m in errors}
    assert set(by_line) == {example.line_of("sponsor: gdewitt"),
                            example.line_of("payment_days: 90")}
    sponsor = by_line[example.line_of("sponsor: gdewitt")]
    assert sponsor["path"] == YAML
    assert sponsor["message"] == "unknown person 'gdewitt' in `sponsor`"
    assert sponsor["hint"] == "did you mean 'gdewit'?"
    assert "1 of 1 assignments have errors" in result.stderr
    assert "ok  " not in result.stdout


def test_validate_reports_every_assignment(example: ExampleProject, tmp_path: Path) -> None:
    broken = copy_example(tmp_path, "broken-2027")
    broken.edit("id: dl-logistiek-2027", "id: broken-2027")
    broken.edit("language: nl", "language: de")
    result = run("validate")
    assert result.exit_code == 1
    assert f"ok  {EXAMPLE_ID}" in result.stdout
    (error,) = [m for m in located(result.stderr) if "de" in m["message"]]
    assert error["path"] == "assignments/broken-2027/assignment.yaml"
    assert int(error["line"]) == broken.line_of("language: de")
    assert "1 of 2 assignments have errors" in result.stderr


@pytest.mark.parametrize("content", [b"", b"- a\n- b\n", b"\x00\xff\xfe garbage \x00",
                                     b"title: !!python/name:os.system ''\n",
                                     b"a: &a [*a]\n", b"a: " + b"[" * 3000 + b"]" * 3000])
def test_validate_hostile_file_no_traceback(example: ExampleProject, content: bytes) -> None:
    example.yaml.write_bytes(content)
    result = run("validate")
    assert result.exit_code == 1
    errors = located(result.stderr)
    assert errors, result.stderr
    assert all(e["path"] == YAML and int(e["line"]) >= 1 for e in errors), result.stderr


def test_validate_unknown_assignment(example: ExampleProject) -> None:
    result = run("validate", "nope")
    assert result.exit_code == 1
    assert "no assignment 'nope'" in result.stderr
    assert EXAMPLE_ID in result.stderr


def test_validate_without_assignments_folder(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("validate")
    assert result.exit_code == 1
    assert "no assignments under assignments" in result.stderr
    assert "interim new <id>" in result.stderr


def test_internal_error_is_called_a_bug(example: ExampleProject,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(folder: Path, **options: object) -> None:
        raise RuntimeError("kapot")

    monkeypatch.setattr("generator.source.project.load_assignment", boom)
    monkeypatch.delenv("INTERIM_DEBUG", raising=False)
    result = run("validate")
    assert result.exit_code == 2
    assert "internal error: RuntimeError: kapot" in result.stderr
    assert "bug" in result.stderr
    assert "Traceback" not in result.output


def test_validate_real_subprocess(example: ExampleProject) -> None:
    exe = str(INTERIM)  # the script next to the running interpreter, never PATH's
    ok = subprocess.run([exe, "validate"], cwd=example.root, capture_output=True, text=True,
                        timeout=120, check=False)
    assert ok.returncode == 0, ok.stderr
    assert f"ok  {EXAMPLE_ID}" in ok.stdout
    assert "Traceback" not in ok.stdout + ok.stderr

    example.edit("reports_to: gdewit", "reports_to: lvermeulen")
    bad = subprocess.run([exe, "validate"], cwd=example.root, capture_output=True, text=True,
                         timeout=120, check=False)
    assert bad.returncode == 1
    assert "Traceback" not in bad.stdout + bad.stderr
    (error,) = [m for m in located(bad.stderr) if "himself" in m["message"]]
    assert error["path"] == YAML
    assert int(error["line"]) == example.line_of("reports_to: lvermeulen")


# --------------------------------------------------------------------------- new

@pytest.mark.parametrize("language", ["en", "nl"])
def test_new_scaffold_validates_immediately(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            language: str) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("new", "acme-finance-2027", "--language", language)
    assert result.exit_code == 0, result.output
    assert "created assignments/acme-finance-2027/assignment.yaml" in result.stdout
    text = (tmp_path / "assignments/acme-finance-2027/assignment.yaml").read_text("utf-8")
    assert "__" not in text.replace("__init__", "")
    assert f"language: {language}" in text
    check = run("validate", "acme-finance-2027")
    assert check.exit_code == 0, check.output
    assert "ok  acme-finance-2027" in check.stdout
    assert not located(check.stderr), check.stderr


def test_new_uses_the_firm_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "firm.yaml").write_text("name: Firma\nlanguage: en\n", encoding="utf-8")
    assert run("new", "acme-2027").exit_code == 0
    text = (tmp_path / "assignments/acme-2027/assignment.yaml").read_text("utf-8")
    assert "language: en" in text


def test_new_without_firm_warns_and_uses_neutral(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("new", "acme-2027")
    assert result.exit_code == 0, result.output
    assert "no firm.yaml" in result.stderr
    assert "language: nl" in (tmp_path / "assignments/acme-2027/assignment.yaml").read_text()


def test_new_refuses_an_existing_id(example: ExampleProject) -> None:
    before = example.text
    result = run("new", EXAMPLE_ID, "--language", "en")
    assert result.exit_code == 1
    assert "already exists" in result.stderr
    assert example.text == before


@pytest.mark.parametrize("bad", ["Acme-2027", "acme_2027", "acme--2027", "-acme", "../acme"])
def test_new_refuses_a_bad_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              bad: str) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("new", "--language", "en", "--", bad)
    assert result.exit_code == 1
    assert "is not a valid id" in result.stderr
    assert not (tmp_path / "assignments").exists()


def test_new_refuses_an_id_too_long_for_a_folder_name(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """300 letters was an internal error (File name too long) from mkdir."""
    monkeypatch.chdir(tmp_path)
    result = run("new", "a" * 65)
    assert result.exit_code == 1
    assert "is not a valid id" in result.stderr and "at most 64 characters" in result.stderr
    assert not (tmp_path / "assignments").exists()
    assert run("new", "a" * 64).exit_code == 0


def test_new_where_it_cannot_create_the_folder(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A dangling link of that name, or assignments/ being a file: said, not a crash."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "assignments").mkdir()
    (tmp_path / "assignments" / "gone-2027").symlink_to(tmp_path / "nowhere")
    result = run("new", "gone-2027")
    assert result.exit_code == 1 and "assignments/gone-2027 already exists" in result.stderr
    shutil.rmtree(tmp_path / "assignments")
    (tmp_path / "assignments").write_text("a file", encoding="utf-8")
    result = run("new", "acme-2027")
    assert result.exit_code == 1
    assert ("cannot create assignments/acme-2027/assignment.yaml: Not a directory (check "
            "that assignments is a writable folder)") in result.stderr


def test_new_refuses_an_unknown_language(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("new", "acme-2027", "--language", "de")
    assert result.exit_code == 2
    assert "'de' is not one of 'nl', 'en', 'fr'" in result.stderr


def test_the_reference_example_validates_and_builds_without_a_warning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """It warned "objective D3 has no baseline" on every `make`: a warning a new user
    learns to ignore."""
    root = Path(__file__).resolve().parents[1]
    monkeypatch.chdir(root)
    checked = CliRunner().invoke(main, ["validate", EXAMPLE_ID])
    assert (checked.exit_code, checked.stderr, checked.stdout) == (0, "", f"ok  {EXAMPLE_ID}\n")
    built = CliRunner().invoke(main, ["build", EXAMPLE_ID, "--out", str(tmp_path), "-q"])
    assert (built.exit_code, built.stderr) == (0, "")


# --------------------------------------------------------------------------- list

def test_list_shows_id_client_period_phase_validity(example: ExampleProject,
                                                    tmp_path: Path) -> None:
    broken = copy_example(tmp_path, "broken-2027")
    broken.edit("id: dl-logistiek-2027", "id: broken-2027")
    broken.edit("sponsor: gdewit", "sponsor: nobody")
    broken.edit("payment_days: 30", "payment_days: 90")
    intake = copy_example(tmp_path, "intake-2027")
    intake.edit("id: dl-logistiek-2027", "id: intake-2027")
    intake.cut("# ---- Phase 2")

    result = run("list")
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert set(lines) == {"broken-2027", EXAMPLE_ID, "intake-2027"}
    example_line = lines[EXAMPLE_ID]
    for part in ("De Linde Distributie NV", "2027-01-11 – 2027-06-25", "closed", "valid"):
        assert part in example_line
    assert "INVALID" not in example_line
    assert "intake" in lines["intake-2027"].split()
    assert lines["intake-2027"].rstrip().endswith("valid")
    assert lines["broken-2027"].rstrip().endswith("INVALID (2 errors)")


def test_list_keeps_its_columns_for_an_id_of_sixty_characters(example: ExampleProject,
                                                                tmp_path: Path) -> None:
    long_id = "lang-" * 11 + "abcde"
    assert len(long_id) == 60
    copy_example(tmp_path, long_id).edit("id: dl-logistiek-2027", f"id: {long_id}")
    broken = copy_example(tmp_path, "kort")
    broken.edit("sponsor: gdewit", "sponsor: nobody")
    lines = run("list").stdout.splitlines()
    assert [line.split()[0] for line in lines] == [EXAMPLE_ID, "kort", long_id]
    columns = {line.index("De Linde") if "De Linde" in line else line.index("?")
               for line in lines}
    assert columns == {len(long_id) + 2}, lines
    valid = [line.index(" valid") for line in lines if line.endswith(" valid")]
    assert len(valid) == 2 and len(set(valid)) == 1, lines


def test_list_without_assignments_prints_nothing(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("list")
    assert result.exit_code == 0
    assert result.stdout == ""


# --------------------------------------------------------------------------- schema

def test_schema_is_json_schema_with_the_phases(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("schema")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert "$schema" in document
    assert document["$schema"].startswith("https://json-schema.org/")
    for key in ("id", "language", "intake", "analysis", "execution", "closing", "people"):
        assert key in document["properties"]
    assert document["additionalProperties"] is False
    # Aliases as written in YAML, not Python names.
    assert "action-plan" in json.dumps(document)


def test_help_and_version() -> None:
    assert run("--help").exit_code == 0
    result = run("--version")
    assert result.exit_code == 0
    assert "version" in result.stdout


# --------------------------------------------------------------------------- convert

def test_convert_writes_a_docx(tmp_path: Path) -> None:
    source = tmp_path / "notes.md"
    source.write_text("# Notes\n\nSome **bold** text.\n", encoding="utf-8")
    result = run("convert", str(source), "-o", str(tmp_path / "notes.docx"))
    assert result.exit_code == 0, result.output
    document = docx.Document(str(tmp_path / "notes.docx"))
    body = [(p.style.name, p.text) for p in document.paragraphs if p.text]
    assert body[-2:] == [("Heading 1", "Notes"), (body[-1][0], "Some bold text.")]
    assert [r.text for r in document.paragraphs[-1].runs if r.bold] == ["bold"]


@pytest.mark.parametrize(("content", "expected"), [
    (b"Intro\n\n[x](javascript:alert(1))\n", ":3: link to 'javascript:alert(1)'"),
    (b"\xff\xfe binary", ": the file is not UTF-8 text"),
    (b"![chart](../outside.png)\n", ":1: "),
])
def test_convert_refusals_name_file_and_line(tmp_path: Path, content: bytes,
                                              expected: str) -> None:
    source = tmp_path / "bad.md"
    source.write_bytes(content)
    result = run("convert", str(source), "-o", str(tmp_path / "bad.docx"))
    assert result.exit_code == 1
    assert f"bad.md{expected}" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "bad.docx").exists()


def test_convert_to_an_unwritable_place_is_a_clear_error(tmp_path: Path) -> None:
    source = tmp_path / "notes.md"
    source.write_text("# Notes\n", encoding="utf-8")
    (tmp_path / "plain-file").write_text("not a folder", encoding="utf-8")
    result = run("convert", str(source), "-o", str(tmp_path / "plain-file" / "notes.docx"))
    assert result.exit_code == 1
    assert "cannot write" in result.output and "notes.docx" in result.output
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("output", ["notes.md", "brand.docx", "notes.txt"])
def test_convert_never_writes_over_what_it_reads_or_a_non_docx(tmp_path: Path,
                                                               output: str) -> None:
    """`-o notes.md` replaced the Markdown source by the .docx (and any other file)."""
    source, brand = tmp_path / "notes.md", tmp_path / "brand.docx"
    source.write_text("# Notes\n", encoding="utf-8")
    shutil.copy(Path(__file__).parents[1] / "templates" / "reference.docx", brand)
    (tmp_path / "notes.txt").write_text("keep", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    result = run("convert", str(source), "-o", str(tmp_path / output),
                 "--reference-doc", str(brand))
    assert result.exit_code == 1
    said = ("is the reference document, which this run reads" if output == "brand.docx"
            else "the output must be a .docx file")
    assert output in result.stderr and said in result.stderr, result.stderr
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_build_refuses_a_malformed_source_date_epoch_once(example: ExampleProject,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    """Out of range it was an internal error per document; garbage was silently ignored."""
    for value in ("99999999999999999", "yesterday"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
        result = run("build", "--no-layout", "--out", "out")
        assert result.exit_code == 1
        assert result.stderr.count(f"SOURCE_DATE_EPOCH='{value}' is not a time") == 1
        assert not (example.root / "out").exists()


def test_build_refuses_a_malformed_interim_jobs_before_writing(example: ExampleProject,
                                                               monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    """It was silently ignored (one process per core): a typo in CI went unnoticed."""
    monkeypatch.setenv("INTERIM_JOBS", "four")
    result = run("build", "--no-layout", "--out", "out")
    assert result.exit_code == 1
    assert result.stderr.count("INTERIM_JOBS='four' is not a number of processes") == 1
    assert not (example.root / "out").exists()


# --------------------------------------------------------------------------- build feedback

def test_progress_bar_only_for_many_documents_on_a_terminal(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from generator.cli import _ProgressBar

    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    with _ProgressBar(enabled=True) as few:
        for done in range(1, 4):
            few.update(done, 3)
    assert few.bar is None, "three documents need no bar"
    with _ProgressBar(enabled=True) as many:
        for done in range(1, 13):
            many.update(done, 12)
    assert many.bar is not None and many.bar.pos == 12
    with _ProgressBar(enabled=False) as quiet:
        quiet.update(1, 50)
    assert quiet.bar is None, "-q silences the bar"


def test_convert_refuses_a_control_character_at_its_line(tmp_path: Path) -> None:
    source = tmp_path / "pasted.md"
    source.write_text("# Title\n\nPasted \x0c text\n", encoding="utf-8")
    result = run("convert", str(source), "-o", str(tmp_path / "pasted.docx"))
    assert result.exit_code == 1
    assert "pasted.md:3: control character U+000C" in result.output


def test_validate_checks_the_firm_too(example: ExampleProject) -> None:
    firm = example.root / "firm.yaml"
    firm.write_text("name: Firma\nlogo: missing.png\n", encoding="utf-8")
    result = run("validate")
    assert result.exit_code == 1
    assert "firm.yaml:2:1: logo: no file 'missing.png'" in result.stderr


# --------------------------------------------------------------------------- the command

INTERIM = Path(sys.executable).with_name("interim")


def test_the_command_says_everything_before_its_fast_exit(example: ExampleProject,
                                                          tmp_path: Path) -> None:
    """`interim` leaves without the interpreter's teardown; its piped output must be whole."""
    done = subprocess.run([str(INTERIM), "build", EXAMPLE_ID, "--out", str(tmp_path)],
                          cwd=example.root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("wrote ") == 6 and done.stdout.endswith("\n")
    assert done.stderr.startswith("firm.yaml: no firm.yaml") and done.stderr.endswith("\n")
    refused = subprocess.run([str(INTERIM), "build", "nobody"], cwd=example.root,
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode == 1 and "no assignment 'nobody'" in refused.stderr
    usage = subprocess.run([str(INTERIM), "build", "--jobs", "-1"], cwd=example.root,
                           capture_output=True, text=True, timeout=120)
    assert usage.returncode == 2 and "Invalid value" in usage.stderr


def test_a_reader_that_stops_early_is_no_internal_error(example: ExampleProject) -> None:
    """`interim list | head -1`: the pipe is closed before interim writes."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run([str(INTERIM), "list"], cwd=example.root, stdout=write_end,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_end)
    assert done.returncode == 1
    assert done.stderr == ""


def test_started_with_output_closed(example: ExampleProject) -> None:
    """`interim validate >&-`: no standard output at all is no crash."""
    done = subprocess.run(["bash", "-c", f"'{INTERIM}' validate >&-"], cwd=example.root,
                          capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr
    assert done.returncode == 0, done.stderr  # the example is valid: closed output is no error
    example.edit("payment_days: 30", "payment_days: 61")
    broken = subprocess.run(["bash", "-c", f"'{INTERIM}' validate >&-"], cwd=example.root,
                            capture_output=True, text=True, timeout=120)
    assert broken.returncode == 1 and "Traceback" not in broken.stderr
    assert f"assignment.yaml:{example.line_of('payment_days: 61')}:" in broken.stderr


# --------------------------------------------------------------------------- validate --spell

needs_hunspell = pytest.mark.skipif(
    not shutil.which("hunspell") or not Path("/usr/share/hunspell/nl_BE.dic").exists(),
    reason="needs the hunspell program and hunspell-nl (`.ci/run` installs them)")


def _firm_with_words(example: ExampleProject) -> None:
    words = ", ".join(yaml.safe_load((REPO / "firm.yaml").read_text(encoding="utf-8"))["words"])
    (example.root / "firm.yaml").write_text(f"name: Coverton\nwords: [{words}]\n",
                                            encoding="utf-8")


@needs_hunspell
def test_validate_spell_warns_of_a_typo_at_its_place_and_exits_0(example: ExampleProject) -> None:
    _firm_with_words(example)
    example.edit("Herinrichting van het orderpickproces", "Herinrichting van het orderpikproces")
    result = run("validate", "--spell")
    assert result.exit_code == 0, result.output
    assert f"ok  {EXAMPLE_ID}" in result.stdout
    (typo,) = [m for m in located(result.stderr) if "unknown word" in m["message"]]
    assert typo["path"] == YAML
    line = example.line_of("orderpikproces")
    assert (int(typo["line"]), int(typo["col"])) == (
        line, example.text.splitlines()[line - 1].index("orderpikproces") + 1)
    assert typo["message"] == "warning: unknown word 'orderpikproces'"
    assert "add it to `words:` in firm.yaml" in typo["hint"]
    assert "unknown word" not in run("validate").stderr  # only when asked


@needs_hunspell
def test_validate_spell_without_a_dictionary_says_so_once(example: ExampleProject,
                                                          tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.source import hunspell

    other = copy_example(tmp_path, "other-2027")
    other.edit("id: dl-logistiek-2027", "id: other-2027")
    monkeypatch.setitem(hunspell.DICTIONARIES, "nl",
                        hunspell.Dictionary("xx_XX", "hunspell-xx", "Dutch"))
    result = run("validate", "--spell")
    assert result.exit_code == 1
    assert result.stderr.count("install it with `sudo apt-get install hunspell-xx`") == 1
    assert f"ok  {EXAMPLE_ID}" in result.stdout and "ok  other-2027" in result.stdout
