"""What a document says about time: its version, its date, its commit, what it knows then.

Never the build's clock, so the same sources give the same bytes."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from pathlib import Path

from generator.delivery.planning import Job
from generator.errors import GeneratorError
from generator.source import git, history
from generator.source.model import Assignment
from generator.source.project import Project
from generator.writer.package import source_date_epoch


@dataclass(frozen=True)
class Stamp:
    """What a document says about time: its version, date, and what it knows on that date."""

    version: str
    date: datetime.date
    timestamp: datetime.datetime
    commit: str
    known: Assignment
    """The assignment as known on the date; the plan amended up to it where the kind shows it."""
    applied: tuple[history.Applied, ...] = ()


def document_stamp(job: Job) -> Stamp:
    """Version and date printed on a document, and its contents as of that date.

    From the facts it reports (FORMAT.md, "Versions, dates and the assignment's
    history"), never from the build's clock; only the proposal, which reports no dated
    fact, falls back to SOURCE_DATE_EPOCH or the last commit (see `proposal_moment`).
    """
    a = job.assignment
    commit, _ = git_stamp(job.loaded.folder)
    moment = proposal_moment(job)
    state = history.state(a, job.kind.id, job.instance.subject, undated=moment.date(),
                          as_of_day=job.as_of, as_typed=job.loaded.as_typed)
    if job.kind.id != "proposal" or state.date != moment.date():
        moment = datetime.datetime.combine(state.date, datetime.time(), datetime.UTC)
    return Stamp(state.version, state.date, moment, commit, state.assignment, state.applied)


def proposal_moment(job: Job) -> datetime.datetime:
    """The proposal's date: pinned, else SOURCE_DATE_EPOCH, else the last commit touching the
    assignment, else the first contact (`rules.execution.rule_document_dates` warns how to
    freeze it)."""
    a = job.assignment
    pinned = a.documents.proposal.date
    epoch = source_date_epoch()
    _, commit_time = git_stamp(job.loaded.folder)
    if pinned is None and epoch:
        return epoch
    if pinned is None and commit_time:
        return datetime.datetime.fromtimestamp(commit_time, datetime.UTC)
    day = pinned or a.intake.first_contact or a.period.start
    return datetime.datetime.combine(day, datetime.time(), datetime.UTC)


@functools.cache
def git_stamp(folder: Path) -> tuple[str, int]:
    """The last commit touching `folder` and its time; empty outside a git checkout.

    "+changes" marks a folder with uncommitted changes. Git is asked about the documents
    repository holding the folder, never one inside it (generator.source.git says why).
    """
    root = Project.holding(folder).root
    found = git.Repository(root)  # git finds the repository from the root upwards
    relative = found.path_of(folder)
    if relative is None:
        return "", 0
    try:
        return found.stamp(relative)
    except GeneratorError:  # no git on this machine: no stamp, as outside git
        return "", 0
