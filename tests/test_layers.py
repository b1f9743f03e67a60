"""The floors of the code: the packages follow the data (source -> documents -> writer ->
delivery -> the command) and no module imports one further along that way; nothing below
the model needs the Markdown dialect (loading an assignment's sources must not load
markdown-it), the rules never load the writer, and the writer takes nothing of an
assignment from the source layer (only the dialect and the guarded reading)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

GENERATOR = Path(__file__).resolve().parents[1] / "generator"
LAYERS = ("source", "documents", "writer", "delivery", "cli")
"""The packages in the order the data takes; `generator.errors` and `generator.bundled`
serve every one and import none."""
SHARED = ("errors", "bundled")


def _layer(module: str) -> int:
    """Where a dotted module stands on the data's way; -1 for the shared modules."""
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in SHARED:
        return -1
    return LAYERS.index(parts[1])


def _imports(path: Path) -> set[str]:
    """Every generator module a file imports, at its top or inside a function.

    `from generator import delivery` counts as `generator.delivery`, and a relative import
    (`from ..writer import oxml`) as the module it names, so neither slips past the floors.
    """
    here = _module(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            if module == "generator" or module.startswith("generator."):
                found.add(module)
                folder = GENERATOR.parent.joinpath(*module.split("."))
                found.update(f"{module}.{a.name}" for a in node.names
                             if (folder / a.name).is_dir() or (folder / f"{a.name}.py").is_file())
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("generator"))
    return found


def _module(path: Path) -> str:
    parts = path.relative_to(GENERATOR).with_suffix("").parts
    return ".".join(("generator", *(p for p in parts if p != "__init__")))


MODULES = sorted(GENERATOR.rglob("*.py"))


def test_the_top_level_holds_only_the_command_and_the_shared_modules() -> None:
    top = sorted(p.stem for p in GENERATOR.glob("*.py"))
    assert top == sorted(("__init__", "cli", *SHARED))
    packages = {p.name for p in GENERATOR.iterdir() if (p / "__init__.py").is_file()}
    assert packages == set(LAYERS) - {"cli"}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(GENERATOR).as_posix())
def test_no_module_imports_one_further_along_the_way(path: Path) -> None:
    here = _layer(_module(path))
    further = sorted(m for m in _imports(path) if _layer(m) > here)
    assert not further, f"{_module(path)} ({LAYERS[here] if here >= 0 else 'shared'}) " \
        f"imports {further}: move the code, or hand the value in"


WRITER_READS_OF_THE_SOURCE = ("generator.source", "generator.source.dialect",
                              "generator.source.files", "generator.source.safety")
"""What the writer may take from the source layer: the Markdown dialect and the guarded
file reading. It converts any Markdown (`interim convert`), so it knows nothing of an
assignment: no model, records, rules, history or project."""


@pytest.mark.parametrize("path", sorted((GENERATOR / "writer").rglob("*.py")),
                         ids=lambda p: p.relative_to(GENERATOR).as_posix())
def test_the_writer_knows_no_assignment(path: Path) -> None:
    taken = sorted(m for m in _imports(path) if m.startswith("generator.source")
                   and m not in WRITER_READS_OF_THE_SOURCE)
    assert not taken, f"{_module(path)} imports {taken}: the writer converts Markdown, hand " \
        "it values rather than the assignment's model"


BELOW_THE_MODEL = ("generator.source.reading", "generator.source.records", "generator.source.model",
                   "generator.source.safety", "generator.source.values", "generator.source.loading")


def _loaded(module: str, *prefixes: str) -> list[str]:
    """The modules starting with one of `prefixes` that importing `module` loads, in a
    fresh interpreter (nothing imported before it)."""
    probe = (f"import sys, {module}; "
             f"print(sorted(m for m in sys.modules if m.startswith({prefixes!r})))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout
    return ast.literal_eval(out.strip())


@pytest.mark.parametrize("module", BELOW_THE_MODEL)
def test_source_layer_does_not_load_the_markdown_dialect(module: str) -> None:
    assert _loaded(module, "generator.source.dialect", "markdown_it", "generator.documents",
                   "generator.writer", "generator.source.rules", "jinja2") == []


def test_the_rules_do_not_reach_into_the_writer() -> None:
    """`validate` runs the writer's picture and width checks, but through the dialect they
    share: the rules (model layer) never load the .docx writer or the documents."""
    assert _loaded("generator.source.rules", "generator.writer", "generator.documents",
                   "jinja2") == []


def test_the_writer_loads_neither_yaml_nor_the_documents() -> None:
    """`interim convert` turns any Markdown into a .docx: loading the writer's API loads no
    YAML reader, no Jinja and nothing of the documents or delivery."""
    loaded = _loaded("generator.writer.converter", "yaml", "generator.source.reading",
                     "generator.source.model", "jinja2", "generator.documents",
                     "generator.delivery")
    assert [m for m in loaded if m == "yaml" or m.startswith("generator")] == []


def test_a_writer_submodule_loads_alone() -> None:
    """The package's `__init__` imports nothing: redline and the PDF export use `oxml`
    without loading the renderer and markdown-it."""
    assert _loaded("generator.writer.oxml", "generator", "markdown_it") == [
        "generator", "generator.writer", "generator.writer.oxml"]
