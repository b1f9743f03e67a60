"""The files the generator ships with: templates, brand template, logo, scaffolds, docs.

One place names where they are, so the generator works both from its checkout and
installed from a wheel. Installed, the templates are package data (`generator/templates/`
inside the package, mapped from `templates/` by pyproject.toml); in a checkout they are the
repository's top-level `templates/`. Nothing else may compute these paths.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SCAFFOLD_DIR = PACKAGE_DIR / "scaffold"
EXAMPLE_ID = "dl-logistiek-2027"


def template_root() -> Path:
    """The folder holding `shared/`, `<language>/terms.yaml` and `reference.docx`."""
    inside = PACKAGE_DIR / "templates"
    if (inside / "reference.docx").is_file():
        return inside
    return PACKAGE_DIR.parent / "templates"


def format_docs() -> Path:
    """The folder of `format.md` and `markdown.md`, the format's reference, for `interim init`."""
    inside = PACKAGE_DIR / "docs"
    if inside.is_dir():
        return inside
    return PACKAGE_DIR.parent / "docs"


def example_assignment() -> Path:
    """The reference example `interim init` copies: shipped in the wheel, or in the checkout."""
    inside = PACKAGE_DIR / "example"
    if inside.is_dir():
        return inside
    return PACKAGE_DIR.parent / "assignments" / EXAMPLE_ID
