"""The floors of the code: nothing below the model needs the Markdown dialect (loading an
assignment's sources must not load markdown-it), and the model never reaches up."""

from __future__ import annotations

import subprocess
import sys

import pytest

BELOW_THE_MODEL = ("generator.sources", "generator.records", "generator.model",
                   "generator.safety", "generator.values", "generator.loading")


@pytest.mark.parametrize("module", BELOW_THE_MODEL)
def test_source_layer_does_not_load_the_markdown_dialect(module: str) -> None:
    probe = (f"import sys, {module}; "
             "print(sorted(m for m in sys.modules if m == 'generator.dialect' "
             "or m.startswith(('markdown_it', 'generator.documents', 'generator.writer', "
             "'generator.rules', 'jinja2'))))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_the_rules_do_not_reach_into_the_writer() -> None:
    """`validate` runs the writer's picture and width checks, but through the dialect they
    share: the rules (model layer) never load the .docx writer or the documents."""
    probe = ("import sys, generator.rules; "
             "print(sorted(m for m in sys.modules "
             "if m.startswith(('generator.writer', 'generator.documents', 'jinja2'))))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
