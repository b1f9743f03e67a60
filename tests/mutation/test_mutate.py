"""`make mutate`'s bookkeeping (tests/mutation/mutate.py): which mutants are a module's, which
tests it runs them against, and the list of equivalent mutants, each with its reason."""

from __future__ import annotations

import mutation.mutate as mutate
import pytest
from mutation.mutate import EQUIVALENT, ROOT, of_module


@pytest.mark.parametrize(("mutant", "module", "ours"), [
    ("generator.writer.toc.x_fill_pages__mutmut_3", "generator/writer/toc.py", True),
    ("generator.writer.toc.x_fill_pages__mutmut_3", "generator/writer/table.py", False),
    ("generator.source.rules.x_check_rules__mutmut_1", "generator/source/rules/__init__.py", True),
    ("generator.source.rules.plan.x_rule_period__mutmut_1", "generator/source/rules/__init__.py",
     False),
    ("generator.source.rules.plan.x_rule_period__mutmut_1", "generator/source/rules/plan.py",
     True),
])
def test_a_packages_init_owns_only_its_own_mutants(mutant: str, module: str, ours: bool) -> None:
    assert of_module(mutant, module) is ours


def test_a_module_runs_against_its_mirror_and_its_extras() -> None:
    assert mutate.tests_for("generator/writer/toc.py")[0] == "tests/writer/test_toc.py"
    assert "tests/source/test_rules.py" in mutate.tests_for("generator/source/rules/plan.py")
    assert mutate.tests_for("generator/delivery/redline/tracked.py") == [
        "tests/delivery/test_tracked.py", "tests/delivery/test_redline_tokens.py"]


def test_every_equivalent_names_a_module_its_change_and_why() -> None:
    modules = {str(p.relative_to(ROOT)) for p in (ROOT / "generator").rglob("*.py")}
    for number, line in enumerate(EQUIVALENT.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        assert len(fields) == 3 and all(f.strip() for f in fields), f"line {number}: {line!r}"
        name = fields[0]
        assert "__mutmut_" in name, f"line {number}: {name}"
        assert any(of_module(name, m) for m in modules), f"line {number}: no module {name}"
        assert len(fields[2]) > 20, f"line {number}: say why nobody can observe it"

