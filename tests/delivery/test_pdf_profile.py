"""The throw-away LibreOffice profile, read as LibreOffice reads it, without starting it:
its library index names the module the macro call runs, its registry says nothing else
than its settings, its files are UTF-8 whatever the locale (tests/delivery/test_pdf.py
has the files' shape and the version; the LibreOffice tests there run the macro)."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from generator.delivery import pdf_profile
from generator.delivery.pdf_profile import JOBS_VARIABLE, MACRO, macro_call, write_profile

LIBRARY = "{http://openoffice.org/2000/library}"
SCRIPT = "{http://openoffice.org/2000/script}"


def test_the_library_index_names_the_module_the_macro_call_runs(tmp_path: Path) -> None:
    """LibreOffice loads only the modules script.xlb lists, by their exact name: a module
    listed under another name leaves `macro:///Standard.Module1.ExportAll` unfound, and
    the export never runs."""
    write_profile(tmp_path)
    standard = tmp_path / "user" / "basic" / "Standard"
    library, module, sub = MACRO.split(".")
    index = ET.parse(standard / "script.xlb").getroot()
    assert index.get(f"{LIBRARY}name") == library
    assert [e.get(f"{LIBRARY}name") for e in index] == [module]
    xba = ET.parse(standard / f"{module}.xba").getroot()
    assert xba.get(f"{SCRIPT}name") == module
    assert f"Sub {sub}()" in (xba.text or "")
    assert ET.parse(standard / "dialog.xlb").getroot().get(f"{LIBRARY}name") == library
    for listing in ("script.xlc", "dialog.xlc"):
        libraries = ET.parse(tmp_path / "user" / "basic" / listing).getroot()
        assert [e.get(f"{LIBRARY}name") for e in libraries] == [library]


def test_a_profile_without_a_version_holds_only_its_settings(tmp_path: Path) -> None:
    """Install completed, recovery and autosave off: nothing else, no stray text."""
    write_profile(tmp_path)
    registry = ET.parse(tmp_path / "user" / "registrymodifications.xcu").getroot()
    assert [text.strip() for text in registry.itertext() if text.strip()] == [
        "true", "false", "false"]


def test_the_profile_is_utf8_under_an_ascii_locale(tmp_path: Path) -> None:
    """The files declare UTF-8: a macro with an accent (a caller's own, as the redline
    tests pass) is written so under LANG=C without Python's UTF-8 mode, byte for byte as
    under any other locale."""
    source = "REM Déjà vu: « ok »\nSub ExportAll()\nEnd Sub\n"
    write_profile(tmp_path / "here", source)
    script = ("import sys; from pathlib import Path; "
              "from generator.delivery.pdf_profile import write_profile; "
              "write_profile(Path(sys.argv[1]), bytes.fromhex(sys.argv[2]).decode())")
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONCOERCECLOCALE": "0",
           "PYTHONUTF8": "0", "PYTHONPATH": str(Path(pdf_profile.__file__).parents[2])}
    done = subprocess.run([sys.executable, "-X", "utf8=0", "-c", script,
                           str(tmp_path / "ascii"), source.encode().hex()], env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    written = sorted(p.relative_to(tmp_path / "ascii")
                     for p in (tmp_path / "ascii").rglob("*") if p.is_file())
    assert len(written) == 6
    for name in written:
        assert (tmp_path / "ascii" / name).read_bytes() == (tmp_path / "here" / name).read_bytes()
    module = ET.parse(tmp_path / "ascii" / "user" / "basic" / "Standard" / "Module1.xba")
    assert module.getroot().text == source


def test_a_profile_written_again_runs_the_new_macro(tmp_path: Path) -> None:
    write_profile(tmp_path, "Sub ExportAll()\nREM first\nEnd Sub\n")
    write_profile(tmp_path, "Sub ExportAll()\nREM second\nEnd Sub\n")
    xba = ET.parse(tmp_path / "user" / "basic" / "Standard" / "Module1.xba").getroot()
    assert xba.text == "Sub ExportAll()\nREM second\nEnd Sub\n"


def test_the_macro_finds_its_jobs_file_in_the_environment(tmp_path: Path) -> None:
    jobs = tmp_path / 'a "quoted" folder' / "jobs.txt"
    argument, env = macro_call(jobs)
    assert argument == f"macro:///{MACRO}"
    assert env == {JOBS_VARIABLE: jobs.resolve().as_uri()}
    assert '"' not in env[JOBS_VARIABLE]
