"""The format's document kinds, by id, in the order of the assignment's phases.

The one list of the ids, below the model: the model's `documents:` settings are built
from it, the CLI's help names it, and `generator.documents` gives each kind its
behaviour (gate, instances, template), checked against this list when it is imported.
Nothing from the generator is imported here: the CLI reads it before any command runs.
"""

from __future__ import annotations

import typing
from typing import Literal

KindId = Literal["proposal", "action-plan", "handbook", "progress", "handover"]
"""A document kind's id, as `--doc`, `documents.<id>` and the templates name it."""

KIND_IDS: tuple[KindId, ...] = typing.get_args(KindId)
"""Every kind's id, in phase order: proposal, action plan, handbook, progress, handover."""
