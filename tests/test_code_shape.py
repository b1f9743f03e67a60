"""The code stays readable in an hour: no module over about 500 lines, no function over
about 60 (cyclomatic complexity over 15 is ruff's C901, configured in pyproject.toml)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

GENERATOR = Path(__file__).resolve().parents[1] / "generator"
GENERATED = {"writer/font_metrics.py"}  # a measured table, written by writer/make_metrics.py
MODULE_LINES = 510
FUNCTION_LINES = 60
SOURCES = sorted(p for p in GENERATOR.rglob("*.py")
                 if p.relative_to(GENERATOR).as_posix() not in GENERATED)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(GENERATOR).as_posix())
def test_modules_and_functions_stay_small(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MODULE_LINES, "split the module by concept"
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for node in ast.walk(ast.parse(text))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.end_lineno - node.lineno + 1 > FUNCTION_LINES]
    assert not long, f"split these functions: {long}"


def _code_map_rows() -> dict[str, str]:
    """The README code map's rows joined per package (`source/`, ..., `generator/`)."""
    readme = (GENERATOR.parent / "README.md").read_text(encoding="utf-8")
    code_map = readme.split("## Code map", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, str] = {}
    package = ""
    for line in code_map.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) < 3 or (set(cells[0]) <= {"-"} and cells[0]):
            continue
        package = cells[0].strip("`") or package
        rows[package] = rows.get(package, "") + " " + " ".join(cells[1:])
    return rows


def test_the_readme_code_map_names_every_module() -> None:
    """A newcomer finds each module in the README's code map, in its package's rows (the
    kinds' modules by their ids)."""
    from generator.source.kind_ids import KIND_IDS

    rows = _code_map_rows()
    kinds = {f"documents/{k.replace('-', '_')}.py" for k in KIND_IDS}
    missing = []
    for path in GENERATOR.rglob("*.py"):
        relative = path.relative_to(GENERATOR)
        package = f"{relative.parts[0]}/" if len(relative.parts) > 1 else "generator/"
        if path.name == "__init__.py" or relative.as_posix() in kinds:
            continue
        if f"{path.name}`" not in rows.get(package, ""):
            missing.append(relative.as_posix())
    assert not missing, f"add these to the README's code map, in their package's rows: {missing}"


def test_ruff_is_clean_with_its_complexity_limit() -> None:
    """`make lint` in the test run: style, imports and C901 (complexity over 15) fail CI."""
    ruff = Path(sys.executable).with_name("ruff")
    if not ruff.exists():
        pytest.skip("ruff is not installed beside this Python (pip install -e '.[dev]')")
    done = subprocess.run([str(ruff), "check", "generator", "tests", "bench"],
                          cwd=GENERATOR.parent, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
