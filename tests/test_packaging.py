"""The generator as a firm installs it: the wheel, `interim init`, `--version`, progress."""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from docx import Document
from make_env import make_env

from generator.bundled import EXAMPLE_ID, PACKAGE_DIR, SCAFFOLD_DIR, template_root
from generator.cli import main
from generator.source.firm import Firm
from generator.source.issued import IssuedFile
from generator.source.languages import LANGUAGES
from generator.source.project import Project, load_assignment, load_firm
from generator.source.records import json_schema
from generator.source.schema import assignment_schema, firm_schema

REPO = Path(__file__).resolve().parent.parent
KINDS = ("proposal.docx", "action-plan.docx", "handbook.docx", "handover.docx")


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def make(folder: Path, *targets: str, interim: Path | str) -> str:
    done = subprocess.run(["make", *targets, f"INTERIM={interim}"], cwd=folder, text=True,
                          env=make_env(), capture_output=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without this checkout on Python's path or a venv's bin."""
    env = {k: v for k, v in make_env().items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return env | extra


# --------------------------------------------------------------------------- templates

def test_template_root_holds_everything_a_build_needs() -> None:
    root = template_root()
    assert (root / "reference.docx").is_file()
    for language in LANGUAGES:
        assert (root / language / "terms.yaml").is_file()
        assert (SCAFFOLD_DIR / f"assignment.{language}.yaml").is_file()
    assert (root / "fonts" / "Carlito-Regular.ttf").is_file()  # the timeline's letters
    kinds = {"proposal", "action-plan", "handbook", "progress", "handover"}
    assert {p.name.removesuffix(".md.j2") for p in (root / "shared").glob("*.md.j2")} >= kinds


def test_every_package_folder_ships_in_the_wheel() -> None:
    """pyproject lists the packages (the templates are mapped in): none may be forgotten."""
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    found = {".".join(p.parent.relative_to(REPO).parts)
             for p in PACKAGE_DIR.rglob("__init__.py") if "__pycache__" not in p.parts}
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"


# --------------------------------------------------------------------------- interim init

def test_init_makes_a_repository_that_validates(tmp_path: Path) -> None:
    firm = 'Acme "Interim": BV # __VERSION__'  # quotes, colon, hash, a hole: text as typed
    result = run("init", str(tmp_path / "docs"), "--firm", firm, "--language", "en")
    assert result.exit_code == 0, result.output
    root = tmp_path / "docs"
    loaded = load_firm(root)
    assert (loaded.name, loaded.language) == (firm, "en")
    assert Project.find(root / "assignments").root == root
    example = load_assignment(root / "assignments" / EXAMPLE_ID)
    assert example.assignment.id == EXAMPLE_ID
    requirements = (root / "requirements.txt").read_text(encoding="utf-8").splitlines()
    pins = [line for line in requirements if line and not line.startswith("#")]
    assert pins == [f"interim-docs=={version('interim-docs')}"]
    assert "git+" in "\n".join(requirements), "the comment says how to install unpublished"
    settings = json.loads((root / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"] == {"./assignment.schema.json": "assignments/*/assignment.yaml",
                                        "./firm.schema.json": "firm.yaml"}
    written = json.loads((root / "assignment.schema.json").read_text(encoding="utf-8"))
    assert written == json.loads(run("schema").stdout) == assignment_schema()
    written = json.loads((root / "firm.schema.json").read_text(encoding="utf-8"))
    assert written == json.loads(run("schema", "--firm").stdout) == firm_schema()
    ignored = (root / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "build/" in ignored and ".venv/" in ignored
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "make validate" in readme and "make all" in readme and firm in readme
    assert not [p for p in root.rglob("*") if p.name.startswith(".interim-init-")]
    for doc in ("format.md", "markdown.md"):  # the reference, as of this generator version
        assert (root / "docs" / doc).read_bytes() == (REPO / "docs" / doc).read_bytes()


def _git_of(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                          check=True).stdout.strip()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("known", [False, True])
def test_init_makes_a_git_repository_with_a_first_commit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, known: bool) -> None:
    """Redlines by revision and the CI workflow need a repository. When git does not know
    the user, the first commit is signed by the firm, for that commit only."""
    settings = tmp_path / "gitconfig"
    settings.write_text("[user]\n\tname = Ann Peeters\n\temail = ann@acme.example\n"
                        if known else "", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(settings))
    result = run("init", str(tmp_path / "docs"), "--firm", "Acme Interim BV")
    assert result.exit_code == 0, result.output
    assert "made a git repository with a first commit (" in result.stdout
    root = tmp_path / "docs"
    author = "Ann Peeters <ann@acme.example>" if known else \
        "Acme Interim BV <interim-init@localhost.invalid>"
    assert _git_of(root, "log", "--format=%an <%ae>|%s") == \
        f"{author}|A documents repository, made by interim init"
    assert _git_of(root, "status", "--porcelain") == "", "everything is in the first commit"
    assert f"assignments/{EXAMPLE_ID}/assignment.yaml" in _git_of(root, "ls-files")
    assert "user" not in (root / ".git" / "config").read_text(encoding="utf-8")
    assert settings.read_text(encoding="utf-8").count("Acme") == 0


def test_init_without_git_or_with_no_git_makes_the_files_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    skipped = run("init", str(tmp_path / "skipped"), "--no-git")
    assert skipped.exit_code == 0 and "git repository" not in skipped.stdout
    assert not (tmp_path / "skipped" / ".git").exists()
    assert (tmp_path / "skipped" / "firm.yaml").is_file()
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    missing = run("init", str(tmp_path / "missing"))
    assert missing.exit_code == 0
    assert "no git repository made: git is not installed (no `git` on PATH)" in missing.stdout
    assert not (tmp_path / "missing" / ".git").exists()
    assert (tmp_path / "missing" / "firm.yaml").is_file()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_init_inside_a_git_repository_leaves_the_commit_to_it(tmp_path: Path) -> None:
    _git_of(tmp_path, "init", "-q")
    result = run("init", str(tmp_path / "docs"))
    assert result.exit_code == 0
    assert f"docs is inside the git repository {tmp_path}: commit the new files there" in \
        result.stdout.replace(str(tmp_path / "docs"), "docs")
    assert not (tmp_path / "docs" / ".git").exists()


def test_init_in_the_current_empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("init", "--language", "nl").exit_code == 0
    assert load_firm(tmp_path).language == "nl"
    assert (tmp_path / "Makefile").is_file()


def test_init_refuses_a_non_empty_folder_naming_what_exists(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("ours", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    result = run("init", str(tmp_path))
    assert result.exit_code == 1
    assert "not empty" in result.stderr
    assert ".git" in result.stderr and "notes.txt" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [".git", "notes.txt"]


def test_init_refuses_a_file_and_a_name_over_lines(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("", encoding="utf-8")
    result = run("init", str(tmp_path / "taken"))
    assert result.exit_code != 0 and "taken" in result.output
    result = run("init", str(tmp_path / "new"), "--firm", "Acme\nlanguage: en")
    assert result.exit_code == 1 and "one line" in result.stderr
    assert not (tmp_path / "new" / "firm.yaml").exists()


def test_init_with_a_name_too_long_for_a_file_system_is_a_clear_error(tmp_path: Path) -> None:
    """A 300-character folder name was an internal error (OSError: File name too long)."""
    result = run("init", str(tmp_path / ("a" * 300)))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "is 300 bytes long: file systems take at most 255; give a shorter one" in (
        result.stderr)
    assert list(tmp_path.iterdir()) == []


def test_init_under_a_file_is_a_clear_error(tmp_path: Path) -> None:
    """`interim init notes.txt/repo` was an internal error (NotADirectoryError)."""
    (tmp_path / "notes.txt").write_text("ours", encoding="utf-8")
    result = run("init", str(tmp_path / "notes.txt" / "repo"))
    assert result.exit_code == 1
    assert "cannot create a repository in" in result.stderr
    assert "Not a directory (give a new or empty folder you can write to)" in result.stderr
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "ours"


def test_init_that_fails_midway_leaves_the_folder_empty(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk after some entries were placed: no half repository stays behind."""
    real_replace, calls = os.replace, []

    def failing(source: str, target: str) -> None:
        calls.append(target)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", failing)
    result = run("init", str(tmp_path / "repo"))
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr
    assert list((tmp_path / "repo").iterdir()) == []


def test_the_workflow_installs_the_pinned_generator_and_builds(tmp_path: Path) -> None:
    assert run("init", str(tmp_path)).exit_code == 0
    workflow = yaml.safe_load((tmp_path / ".github/workflows/documents.yml").read_text())
    assert set(workflow[True]) == {"push", "pull_request"}  # YAML 1.1 reads `on` as true
    jobs = workflow["jobs"]
    assert set(jobs) == {"validate", "documents"} and jobs["documents"]["needs"] == "validate"
    makefile = (tmp_path / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z-]+):.*## ", makefile, re.MULTILINE))
    for name, job in jobs.items():
        steps = job["steps"]
        uses = [s.get("uses", "").split("@")[0] for s in steps]
        assert uses[:2] == ["actions/checkout", "actions/setup-python"], name
        runs = [s["run"] for s in steps if "run" in s]
        install = runs.index("pip install -r requirements.txt")
        made = [r for r in runs if r.startswith("make ")]
        assert made and all(runs.index(r) > install for r in made), name
        for command in made:  # the installed generator on PATH, a target the Makefile has
            words = command.split()
            assert "INTERIM=interim" in words and words[1] in targets, command
    assert [s for s in jobs["validate"]["steps"] if s.get("run") == "make validate INTERIM=interim"]
    documents = jobs["documents"]["steps"]
    assert documents[0]["with"]["fetch-depth"] == 0, "document dates come from git history"
    (upload,) = [s for s in documents if s.get("uses", "").startswith("actions/upload-artifact")]
    assert all(p.startswith("build/") for p in upload["with"]["path"].split())


# --------------------------------------------------------------------------- command line

def test_version_is_the_installed_package_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.strip().endswith(version("interim-docs"))


def test_build_shows_documents_done_of_total_only_on_a_terminal(tmp_path: Path) -> None:
    """This repository's assignments make more than a handful of documents."""
    command = [sys.executable, "-m", "generator.cli", "build", "--out", str(tmp_path / "a"),
               "-j", "1"]
    leader, follower = pty.openpty()
    with subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=follower,
                          env=clean_env(COLUMNS="120")) as proc:
        os.close(follower)
        seen = b""
        while chunk := _read(leader):
            seen += chunk
        proc.communicate(timeout=300)
    os.close(leader)
    total = len(list((tmp_path / "a").rglob("*.docx")))
    assert proc.returncode == 0 and total > 10
    assert f"{total}/{total}".encode() in seen, seen[-300:]
    piped = subprocess.run([*command[:-3], str(tmp_path / "b"), "-j", "1"], cwd=REPO,
                           capture_output=True, text=True, timeout=300, check=True)
    assert "building" not in piped.stderr and f"/{total}" not in piped.stderr


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 4096)
    except OSError:  # the writer closed the terminal
        return b""


# --------------------------------------------------------------------------- the wheel

def _copy_sources(target: Path) -> Path:
    """The working tree as an sdist would hold it, so building never writes into the checkout."""
    ignore = shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "__pycache__",
                                    ".*_cache", ".hypothesis", "bench")
    shutil.copytree(REPO, target, ignore=ignore)
    return target


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv outside the repository with the wheel built from an sdist of this tree."""
    work = tmp_path_factory.mktemp("wheel")
    source = _copy_sources(work / "src")
    # sdist first, the wheel from it (as `python -m build` does): both must carry the data.
    made = subprocess.run([sys.executable, "-c", "import sys; from setuptools.build_meta import "
                           "build_sdist; print(build_sdist(sys.argv[1]))", str(work / "sdist")],
                          cwd=source, check=True, timeout=300, capture_output=True, text=True)
    sdist = work / "sdist" / made.stdout.split()[-1]
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(work / "dist"), str(sdist)], check=True, timeout=300,
                   capture_output=True)  # setuptools of the dev install: no download
    (wheel,) = (work / "dist").glob("interim_docs-*.whl")
    venv = work / "venv"
    # No pip inside (ensurepip is the slow part): this pip installs into it.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin/python"), "install",
                    "-q", "--disable-pip-version-check", str(wheel)],
                   check=True, timeout=300, capture_output=True, env=clean_env())
    return venv / "bin" / "interim"


@pytest.mark.wheel
def test_wheel_installs_a_generator_that_works_anywhere(installed: Path, tmp_path: Path
                                                       ) -> None:
    where = subprocess.run([installed.parent / "python", "-c",
                            "import generator; print(generator.__file__)"], cwd=tmp_path,
                           env=clean_env(), capture_output=True, text=True, check=True)
    assert REPO not in Path(where.stdout.strip()).parents, "the wheel, not this checkout"
    package = Path(where.stdout.strip()).parent
    for shipped in ("templates/reference.docx", "templates/coverton-logo.png",
                    "templates/nl/terms.yaml", "templates/en/terms.yaml",
                    "templates/fr/terms.yaml", "templates/fonts/Carlito-Regular.ttf",
                    "scaffold/assignment.fr.yaml",
                    "scaffold/assignment.en.yaml", "docs/format.md", "example/analyse.md"):
        assert (package / shipped).is_file(), shipped
    firm = tmp_path / "acme-documents"
    subprocess.run([installed, "init", str(firm), "--firm", "Acme Interim"], cwd=tmp_path,
                   env=clean_env(), check=True, capture_output=True, timeout=120)
    assert "ok  " + EXAMPLE_ID in make(firm, "validate", interim=installed)
    make(firm, "all", interim=installed)
    built = firm / "build" / EXAMPLE_ID
    assert {p.name for p in built.glob("*.docx") if not p.name.startswith("progress-")} \
        == set(KINDS)
    assert list(built.glob("progress-*.docx"))
    text = "\n".join(p.text for p in Document(str(built / "proposal.docx")).paragraphs)
    assert "De Linde Distributie NV" in text and "Acme Interim" in text
    assert " build " not in make(firm, "all", interim=installed), "nothing changed: no rebuild"
    _override_one_term(firm)  # the firm's own templates folder still wins, term by term
    assert " build " in make(firm, "all", interim=installed), "firm.yaml and its files changed"
    text = "\n".join(p.text for p in Document(str(built / "proposal.docx")).paragraphs)
    assert "Geschreven voor" in text and "Opgesteld voor" not in text
    assert "Opgesteld door" in text, "every other term is still the generator's"


def _override_one_term(firm: Path) -> None:
    settings = firm / "firm.yaml"
    text = settings.read_text(encoding="utf-8")
    assert "# templates: templates" in text, "the scaffold shows how to use own templates"
    settings.write_text(text.replace("# templates: templates", "templates: templates"),
                        encoding="utf-8")
    (firm / "templates" / "nl").mkdir(parents=True)
    (firm / "templates" / "nl" / "terms.yaml").write_text("cover:\n  for: Geschreven voor\n",
                                                          encoding="utf-8")


@pytest.mark.wheel
def test_wheel_builds_this_repository_byte_identical_to_the_checkout(installed: Path,
                                                                     tmp_path: Path) -> None:
    env = clean_env(SOURCE_DATE_EPOCH="1800000000")
    editable = Path(sys.executable).with_name("interim")  # `make setup`'s editable install
    for name, interim in (("wheel", installed), ("checkout", editable)):
        subprocess.run([interim, "build", "--out", str(tmp_path / name), "-q"], cwd=REPO,
                       env=env, check=True, capture_output=True, timeout=300)
    wheel = sorted(p.relative_to(tmp_path / "wheel") for p in (tmp_path / "wheel").rglob("*.docx"))
    checkout = sorted(p.relative_to(tmp_path / "checkout")
                      for p in (tmp_path / "checkout").rglob("*.docx"))
    assert wheel == checkout and len(wheel) > 5
    for path in wheel:
        assert (tmp_path / "wheel" / path).read_bytes() == (tmp_path / "checkout" / path
                                                            ).read_bytes(), path


# --------------------------------------------------------------------------- docs/format.md

FORMAT = REPO / "docs" / "format.md"
# Keys docs/format.md documents ahead of the model, added on other branches (FORMAT.md):
# after the merge the schema knows them, and this set should be emptied.
PENDING: dict[str, set[str]] = {"firm.yaml": set(), "assignment.yaml": set(),
                                "issued.yaml": set()}
KEY_ROW = re.compile(r"^\| `([^`]+)` \|", re.MULTILINE)


def _schema_keys(node: dict, defs: dict, prefix: str, out: set[str],
                 seen: set[str] | None) -> None:
    """Every key path (`a.b[].c`, `m.<key>` for free keys) of a JSON Schema. With `seen`,
    a record met again (a change's `adds.milestones[]`) is not entered again: its keys
    are documented where it first appears."""
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if seen is not None:
            if name in seen:
                return
            seen.add(name)
        node = defs[name]
    for alternative in node.get("anyOf", []):
        _schema_keys(alternative, defs, prefix, out, seen)
    if isinstance(node.get("items"), dict):
        _schema_keys(node["items"], defs, prefix + "[]", out, seen)
    for key, child in node.get("properties", {}).items():
        path = f"{prefix}.{key}" if prefix else key
        out.add(path)
        _schema_keys(child, defs, path, out, seen)
    if isinstance(node.get("additionalProperties"), dict) and node["additionalProperties"]:
        out.add(f"{prefix}.<key>")  # and the keys of the records under it (a measurement's)
        _schema_keys(node["additionalProperties"], defs, f"{prefix}.<key>", out, seen)


def schema_keys(schema: dict) -> tuple[set[str], set[str]]:
    """(keys that must be documented, every key the schema knows)."""
    required: set[str] = set()
    every: set[str] = set()
    _schema_keys(schema, schema.get("$defs", {}), "", required, set())
    _schema_keys(schema, schema.get("$defs", {}), "", every, None)
    return required, every


def documented_keys(section: str) -> list[str]:
    """The keys of the tables under `## <section>` in docs/format.md."""
    text = FORMAT.read_text(encoding="utf-8")
    (body,) = re.findall(rf"^## {re.escape(section)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    return KEY_ROW.findall(body)


def _pattern(documented: str) -> re.Pattern[str]:
    """`milestones.<id>` in the document stands for any key there."""
    return re.compile(re.sub(r"<[^>]+>", r"[^.]+", re.escape(documented).replace(r"\<", "<")
                             .replace(r"\>", ">")))


@pytest.mark.parametrize(("section", "schema"), [
    ("assignment.yaml", lambda: assignment_schema()),
    ("firm.yaml", lambda: json_schema(Firm)),
    ("issued.yaml", lambda: json_schema(IssuedFile)),
], ids=["assignment", "firm", "issued"])
def test_format_doc_names_every_key_of_the_schema_and_no_other(section: str, schema) -> None:
    required, every = schema_keys(schema())
    documented = documented_keys(section)
    assert len(documented) == len(set(documented)), "a key is documented twice"
    patterns = [_pattern(key) for key in documented]
    missing = sorted(k for k in required if not any(p.fullmatch(k) for p in patterns))
    assert not missing, f"docs/format.md ## {section}: document these keys: {missing}"
    unknown = sorted(key for key, pattern in zip(documented, patterns, strict=True)
                     if not any(pattern.fullmatch(k) for k in every)
                     and key not in PENDING[section])
    assert not unknown, f"docs/format.md ## {section} documents keys the schema lacks: {unknown}"
    arrived = sorted(PENDING[section] & every)
    assert not arrived, f"now in the schema, remove from PENDING in this test: {arrived}"
    assert PENDING[section] <= set(documented)


def test_schema_points_at_format_doc_sections_that_exist() -> None:
    text = FORMAT.read_text(encoding="utf-8")
    anchors = {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
               for h in re.findall(r"^#{1,6} (.+)$", text, re.MULTILINE)}
    schema = assignment_schema()
    assert "docs/format.md" in schema["description"]
    for key, node in schema["properties"].items():
        path, anchor = node["$comment"].split("#")
        assert path == "docs/format.md" and anchor in anchors, key


def test_readme_links_the_format_doc_not_the_shared_spec() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "](docs/format.md)" in readme
    assert "shared/spec" not in readme


def test_this_projects_workflow_runs_the_wheel_tests_and_keeps_the_wheel() -> None:
    """`make test` runs every test, the wheel's included; a job keeps the wheel firms install."""
    workflow = yaml.safe_load((REPO / ".github/workflows/documents.yml").read_text())
    test_runs = [s.get("run") for s in workflow["jobs"]["test"]["steps"]]
    assert "make test" in test_runs
    assert "-m" not in (REPO / "Makefile").read_text().split("pytest -q", 1)[1].split("\n")[0]
    wheel = workflow["jobs"]["wheel"]["steps"]
    assert any("pip wheel --no-deps" in s.get("run", "") for s in wheel)
    (upload,) = [s for s in wheel if s.get("uses", "").startswith("actions/upload-artifact")]
    assert upload["with"]["path"].startswith("dist/interim_docs-")


@pytest.mark.wheel
def test_a_new_repository_installs_the_generator_it_pins(installed: Path, tmp_path: Path
                                                         ) -> None:
    """The README's flow: `make validate` alone makes .venv from requirements.txt (pip finds
    the unpublished package where the firm points it; here the folder of the wheel)."""
    firm = tmp_path / "documents"
    subprocess.run([installed, "init", str(firm)], env=clean_env(), check=True,
                   capture_output=True, timeout=120)
    wheels = installed.parents[2] / "dist"  # the fixture's work folder: venv/bin/interim
    done = subprocess.run(["make", "validate", f"PYTHON={sys.executable}"], cwd=firm, text=True,
                          env=clean_env(PIP_FIND_LINKS=str(wheels)), capture_output=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "pip install --quiet -r requirements.txt" in done.stdout
    assert "ok  " + EXAMPLE_ID in done.stdout
    own = subprocess.run([firm / ".venv/bin/interim", "--version"], capture_output=True,
                         text=True, check=True, env=clean_env())
    assert own.stdout.strip().endswith(version("interim-docs"))
