"""Issue 24 (items 3 and the template mediums) and issue 21 (the damaged cache): a firm's
template is bounded by a budget of operations, never by a clock, every runtime error in it
is located, `validate` compiles it, and the compiled-template cache never fails a build.

Each test sets the budget small (sandbox.OPERATION_BUDGET) so that the runaway template
ends in a moment, and asserts the message a user sees (template file and line, what ran
out) and that no document was written.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docx_reading import EPOCH, ROOT, Docx
from example_project import EXAMPLE_ID, ExampleProject, copy_example
from jinja2.bccache import bc_magic

from generator.delivery.build import build_all
from generator.documents import sandbox, template_cache
from generator.documents.templating import make_environment
from generator.source.project import Project

INTERIM = Path(sys.executable).with_name("interim")
TEMPLATE = "mytemplates/shared/proposal.md.j2"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ExampleProject:
    """The example with the repository's firm, whose templates folder is `mytemplates/`."""
    root = tmp_path / "repo"
    root.mkdir()
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    example = copy_example(root)
    shutil.copytree(ROOT / "templates", root / "templates")
    firm = (ROOT / "firm.yaml").read_text(encoding="utf-8")
    (root / "firm.yaml").write_text(firm + "templates: mytemplates\n", encoding="utf-8")
    (root / "mytemplates" / "shared").mkdir(parents=True)
    return example


def firm_proposal(project: ExampleProject, body: str) -> None:
    """The firm's own proposal template: a heading, an empty line, then `body` on line 3."""
    (project.root / TEMPLATE).write_text(f"# Voorstel\n\n{body}\n", encoding="utf-8")


def build_proposal(project: ExampleProject) -> tuple[list[str], Path]:
    report = build_all(Project(project.root), [EXAMPLE_ID], ["proposal"],
                       out_dir=project.root / "out", layout=False, workers=1)
    return report.failed, project.root / "out" / EXAMPLE_ID / "proposal.docx"


def refused_at_line_3(project: ExampleProject, *said: str) -> str:
    """The build fails with one message at the template's line 3 saying each of `said`;
    nothing is written."""
    failed, written = build_proposal(project)
    assert len(failed) == 1, failed
    message = failed[0]
    assert f"{TEMPLATE}:3: template error: " in message, message
    for text in said:
        assert text in message, message
    assert "internal error" not in message
    assert not written.exists()
    return message


# ------------------------------------------------------------------ the budget

@pytest.mark.parametrize("body", [
    "{% for a in range(99999) %}{% for b in range(99999) %}{% endfor %}{% endfor %}",
    "{% for a in range(99999) %}{% for b in range(99999) if b < 0 %}{% endfor %}{% endfor %}",
    "{% for x in range(3) recursive %}{% if loop.depth < 4 %}{{ loop(range(99999)) }}"
    "{% endif %}{% endfor %}",
    "{% macro m() %}{{ caller() }}{% endmacro %}{% for a in range(99999) %}"
    "{% call m() %}{{ a }}{% endcall %}{% endfor %}",
    "{% set big = range(99999)|list %}{% for a in range(99999) %}{{ big|sum }}{% endfor %}",
], ids=["nested-ranges", "skipping-filter", "recursive-loop", "call-block", "filter-work"])
def test_a_runaway_template_ends_at_its_operation_budget(
        project: ExampleProject, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    monkeypatch.setattr(sandbox, "OPERATION_BUDGET", 20_000)
    firm_proposal(project, body)
    refused_at_line_3(project, "used up its budget of 20,000 operations")


def test_the_budget_is_per_document_and_the_reference_documents_fit_it_easily(
        project: ExampleProject, monkeypatch: pytest.MonkeyPatch) -> None:
    """The example's largest document spends a few thousand operations; a tenth of the
    real budget builds every one of them."""
    monkeypatch.setattr(sandbox, "OPERATION_BUDGET", sandbox.OPERATION_BUDGET // 10)
    report = build_all(Project(project.root), [EXAMPLE_ID], out_dir=project.root / "out",
                       layout=False, workers=1)
    assert not report.failed and len(report.written) >= 5


def test_a_budget_counts_what_each_rendering_spends() -> None:
    env = make_environment("nl")
    budget = sandbox.Budget(limit=10**9)
    with sandbox.spending(budget):
        "".join(env.from_string("{% for x in range(100) %}{{ x }}{% endfor %}").generate())
    assert 100 <= budget.used < 1_000
    with pytest.raises(sandbox.BudgetSpent, match="budget of 99 operations"), \
            sandbox.spending(sandbox.Budget(limit=99)):
        "".join(env.from_string("{% for x in range(100) %}{% endfor %}").generate())


# ------------------------------------------------------------------ sizes

@pytest.mark.parametrize(("body", "said"), [
    ('{{ "a".center(1500000000)|length }}', "would make a value of 1,500,000,000 characters"),
    ('{{ "a"|center(1500000000) }}', "would make a value of 1,500,000,000 characters"),
    ('{{ "{:>999999999}".format(1) }}', "would make a value of"),
    ('{{ "%0999999999d" % 1 }}', "would make a value of"),
    ('{{ "a\\nb"|indent(999999999) }}', "would make a value of"),
    ('{{ (["a" * 1000000] * 1000000)|join }}', "would make a value of"),
    ('{{ ("ab" * 100).replace("", "x" * 1000000) }}', "would make a value of 201,000,200"),
    ("{{ ['a' * 1000000] * 100 }}", "would make a value of"),
    ('{% set ns = namespace(s="ab") %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}'
     "{% endfor %}", "would make a value of"),
    ("{% set ns = namespace(x=3) %}{% for i in range(40) %}{% set ns.x = ns.x * ns.x %}"
     "{% endfor %}{{ ns.x }}", "a template multiplies numbers up to 4096 bits"),
    ("{{ lipsum(100000000) }}", "would make a value of"),
    ("{{ [1]|batch(100000000)|list|length }}", "would make a value of"),
    ('{{ "x".translate({}) }}', "access to attribute 'translate' of 'str' object is unsafe"),
], ids=["center", "center-filter", "format-width", "percent-width", "indent", "join",
        "replace", "list-of-references", "doubling-concat", "squaring", "lipsum", "batch",
        "translate"])
def test_values_over_the_size_cap_are_refused_before_they_exist(
        project: ExampleProject, body: str, said: str) -> None:
    """Refused from the arguments: the 1.5 GB string is never allocated (the whole test
    stays within a normal build's memory)."""
    firm_proposal(project, body)
    refused_at_line_3(project, said)


def test_within_the_caps_text_methods_and_filters_still_work(project: ExampleProject) -> None:
    firm_proposal(project, '{{ "ab".center(6, "*") }} {{ "x_y".replace("_", "-") }} '
                           '{{ ["a", "b"]|join("+") }} {{ "%05d"|format(42) }} '
                           '{{ "{:>4}".format(7) }} {{ "a" ~ "b" }} {{ 6 * 7 }}')
    failed, written = build_proposal(project)
    assert not failed, failed
    text = Docx(written).text
    for shown in ("**ab**", "x-y", "a+b", "00042", "7", "ab", "42"):
        assert shown in text


# ------------------------------------------------------------------ runtime errors

@pytest.mark.parametrize(("body", "said"), [
    ("{{ 1/0 }}", "ZeroDivisionError: division by zero"),
    ('{{ [1, "a"]|sort }}', "TypeError: '<' not supported"),
    ('{{ "%s %s"|format(1) }}', "TypeError: not enough arguments for format string"),
    ('{{ "{0:x}".format("a") }}', "ValueError: Unknown format code 'x'"),
    ("{{ {}['missing'] }}", "template error"),
], ids=["division", "sort", "format", "format-code", "missing-key"])
def test_a_runtime_error_in_a_firm_template_is_located(project: ExampleProject, body: str,
                                                       said: str) -> None:
    firm_proposal(project, body)
    message = refused_at_line_3(project, said)
    assert "(correct the" in message  # the hint


def test_validate_compiles_the_firm_templates(project: ExampleProject) -> None:
    """`validate` fails where `build` would: a syntax error in the firm's template is said
    at its line; the sound firm templates pass."""
    firm_proposal(project, "{% for x in %}")
    done = subprocess.run([str(INTERIM), "validate"], cwd=project.root, capture_output=True,
                          text=True, check=False, timeout=120)
    assert done.returncode == 1, done.stderr
    assert f"{TEMPLATE}:3: template error: " in done.stderr, done.stderr
    assert "Traceback" not in done.stderr

    firm_proposal(project, "{{ a.client.name }}")
    (project.root / "mytemplates" / "en").mkdir()
    (project.root / "mytemplates" / "en" / "terms.yaml").write_text("draft: [unclosed\n",
                                                                    encoding="utf-8")
    done = subprocess.run([str(INTERIM), "validate"], cwd=project.root, capture_output=True,
                          text=True, check=False, timeout=120)
    assert done.returncode == 1
    assert "mytemplates/en/terms.yaml" in done.stderr, done.stderr

    (project.root / "mytemplates" / "en" / "terms.yaml").unlink()
    done = subprocess.run([str(INTERIM), "validate"], cwd=project.root, capture_output=True,
                          text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr


# ------------------------------------------------------------------ the compiled cache

def cache_entries(project: ExampleProject) -> list[Path]:
    folder = project.root.parent / "cache" / "interim-docs" / f"jinja-{os.getuid()}"
    return sorted(folder.glob("*.cache"))


@pytest.mark.parametrize("damage", ["truncated-after-magic", "truncated", "folder", "garbage"])
def test_a_damaged_cache_entry_is_ignored_and_rebuilt(project: ExampleProject,
                                                      damage: str) -> None:
    first, written = build_proposal(project)
    assert not first, first
    expected = written.read_bytes()
    entries = cache_entries(project)
    assert entries
    for entry in entries:
        data = entry.read_bytes()
        if damage == "folder":
            entry.unlink()
            entry.mkdir()
        else:
            entry.write_bytes({"truncated-after-magic": bc_magic,
                               "truncated": data[:len(data) // 2],
                               "garbage": bc_magic + b"\x80\x05garbage"}[damage])
    written.unlink()
    again, written = build_proposal(project)
    assert not again, again
    assert written.read_bytes() == expected
    if damage != "folder":  # rebuilt: the next build reads a whole entry
        assert all(e.read_bytes()[:len(bc_magic)] == bc_magic and e.stat().st_size > 100
                   for e in cache_entries(project))


def test_an_unwritable_cache_is_skipped(project: ExampleProject,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A full or read-only cache folder (ENOSPC, EACCES while writing an entry): the build
    goes on and writes the same document."""
    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(template_cache.FileSystemBytecodeCache, "dump_bytecode", full)
    failed, written = build_proposal(project)
    assert not failed, failed
    assert written.is_file()
    assert not cache_entries(project)


def test_cache_entries_of_an_older_compiler_are_not_used(project: ExampleProject) -> None:
    """The cache is keyed by how the sandbox compiles (sandbox.CODE_VERSION): a template
    compiled without the budget's counting would escape it."""
    env = make_environment("nl")
    cache = env.bytecode_cache
    assert cache is not None
    assert cache.get_source_checksum("x") != template_cache.FileSystemBytecodeCache \
        .get_source_checksum(cache, "x")
