"""Rules 1-3: the assignment's identity, its people and who references whom."""

from __future__ import annotations

import difflib

from generator.source.model import Assignment
from generator.source.references import reference_keys
from generator.source.rules.context import Context, unique, unknown_references

PERSON_KEYS = reference_keys(Assignment, "person")
"""Every key that names a person, read from the model's `PersonId` fields."""


def rule_identity(ctx: Context) -> None:
    """1. `id` equals the folder name (slug and language are checked by the model)."""
    if ctx.assignment.id != ctx.folder.name:
        ctx.error(("id",), f"id {ctx.assignment.id!r} differs from the folder name "
                  f"{ctx.folder.name!r}", f"write `id: {ctx.folder.name}` or rename the folder")


def rule_person_references(ctx: Context) -> None:
    """2. Every person reference names a person in `people`: every field typed `PersonId`."""
    known = ctx.people()
    for ref in unknown_references(ctx.assignment, (), "person", known):
        guess = difflib.get_close_matches(ref.value, list(known), n=1, cutoff=0.5)
        hint = f"did you mean {guess[0]!r}?" if guess else \
            "add the person under `people` or use one of " + ", ".join(known)
        key = next(p for p in reversed(ref.path) if isinstance(p, str))
        ctx.error(ref.path, f"unknown person {ref.value!r} in `{key}`", hint)
    unique(ctx, "people", [p.id for p in ctx.assignment.people])


def rule_roles(ctx: Context) -> None:
    """3. The interim manager sits inside the organisation, under someone else."""
    a = ctx.assignment
    people = ctx.people()
    if a.position.reports_to == a.interim_manager:
        ctx.error(("position", "reports_to"), "the interim manager cannot report to himself",
                  "name the level above the interim manager, usually the sponsor "
                  f"({a.client.sponsor})")
    manager = people.get(a.interim_manager)
    if manager and manager.organisation != "provider":
        ctx.error(("interim_manager",), f"the interim manager {manager.id!r} has organisation "
                  f"{manager.organisation!r}", "set `organisation: provider` for this person")
    if not a.closing:
        return
    owners = [(("closing", "open_items", i, "new_owner"), x.new_owner)
              for i, x in enumerate(a.closing.open_items)]
    led = [(("closing", "leadership", i, "person"), x.person)
           for i, x in enumerate(a.closing.leadership)]
    for path, person_id in [*owners, *led]:
        person = people.get(person_id)
        if person is None or person.organisation == "client":
            continue
        if person.organisation == "third_party" and path[1] == "open_items":
            ctx.warning(path, f"{person_id!r}, a third party, takes over an open item",
                        "keep it if a supplier or adviser carries it on; else name a client "
                        "person")
            continue
        ctx.error(path, f"{person_id!r} is not a client person",
                  "after the handover only the client's own people can take over: "
                  "choose someone with `organisation: client`")
