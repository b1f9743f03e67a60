"""What each document kind does, in the order of the assignment's phases: the registry.

The kinds' ids are listed once, in the source layer (`source/kind_ids.py`, `KIND_IDS`); the
model's `documents` settings and the CLI's help are built from that list. Here each id gets
its behaviour, and importing this package fails when `KINDS` names other kinds or another
order. Adding a document means its id in `generator/source/kind_ids.py`, a module defining its
`Kind`, its template, its title in both terms.yaml files and a line here; the repository
Makefile's KINDS is checked against the list by tests.
"""

from __future__ import annotations

from generator.documents import action_plan, handbook, handover, progress, proposal
from generator.documents.kind import Gate, Instance, Kind, plan_gate
from generator.source.kind_ids import KIND_IDS, KindId

__all__ = ["KINDS", "Gate", "Instance", "Kind", "kinds", "plan_gate"]

KINDS: tuple[Kind, ...] = (proposal.KIND, action_plan.KIND, handbook.KIND, progress.KIND,
                           handover.KIND)

if tuple(kind.id for kind in KINDS) != KIND_IDS:  # a kind added or moved in one list only
    raise RuntimeError(
        "generator/documents/__init__.py registers the kinds "
        f"{', '.join(kind.id for kind in KINDS)}, but generator/source/kind_ids.py lists "
        f"{', '.join(KIND_IDS)}: fix KINDS or KIND_IDS so both name the same kinds, in phase "
        "order")


def kinds() -> dict[KindId, Kind]:
    """Every kind by its id, in the order of the assignment's phases."""
    return {kind.id: kind for kind in KINDS}
