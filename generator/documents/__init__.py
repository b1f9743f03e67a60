"""The document kinds, in the order of the assignment's phases: the one registry of them.

Adding a document means a module defining its `Kind`, its template, its title in both
terms.yaml files and a line here; the model's `documents` settings and the repository
Makefile's KINDS are checked against this list by tests.
"""

from __future__ import annotations

from generator.documents import action_plan, handbook, handover, progress, proposal
from generator.documents.kind import Gate, Instance, Kind, plan_gate

__all__ = ["KINDS", "Gate", "Instance", "Kind", "kinds", "plan_gate"]

KINDS: tuple[Kind, ...] = (proposal.KIND, action_plan.KIND, handbook.KIND, progress.KIND,
                           handover.KIND)


def kinds() -> dict[str, Kind]:
    """Every kind by its id, in the order of the assignment's phases."""
    return {kind.id: kind for kind in KINDS}
