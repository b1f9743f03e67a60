"""The JSON Schemas of `assignment.yaml` and `firm.yaml`, for editors: the records described
by `records.json_schema`, pointing at the format's reference (`interim schema [--firm]`, and
the schemas `interim init` writes into a new repository)."""

from __future__ import annotations

from typing import Any

from generator.source.amending import roots
from generator.source.firm import Firm
from generator.source.model import Assignment
from generator.source.records import json_schema

FORMAT_DOC = "docs/format.md"
"""The reference of the source format, in the interim-docs project."""


def assignment_schema() -> dict[str, Any]:
    """The JSON Schema of `assignment.yaml` for editors, pointing at the format's reference."""
    document = json_schema(Assignment)
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "Interim assignment (assignment.yaml)"
    document["description"] += f" Every key, the rules and the history: {FORMAT_DOC}."
    document["$comment"] = f"Reference of the format: {FORMAT_DOC} in the interim-docs project"
    for name, node in document["properties"].items():
        node.setdefault("$comment", f"{FORMAT_DOC}#{name}")
    amends = document["$defs"]["Change"]["properties"]["amends"]["anyOf"][0]
    amends["description"] = ("path: new value, a path naming any amendable key "
                             f"(people.<id>.role, terms.day_rate...): {FORMAT_DOC}"
                             "#changes-are-amendments")
    amends["propertyNames"] = {"pattern": "^(" + "|".join(roots()) + r")(\..+)?$"}
    return document


def firm_schema() -> dict[str, Any]:
    """The JSON Schema of `firm.yaml` for editors: a name or a role given per language is
    completed like any other key."""
    document = json_schema(Firm)
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "The firm issuing the documents (firm.yaml)"
    document["$comment"] = (f"Reference of the format: {FORMAT_DOC}#firmyaml in the "
                            "interim-docs project")
    return document
