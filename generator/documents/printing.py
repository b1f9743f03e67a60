"""What templates call to print people, plan items and values, and the sections they wrote."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from typing import Any

from generator.documents.templating import (
    Md,
    Wording,
    escape,
    finalize,
    label,
)
from generator.documents.typography import after_dash, aside
from generator.source.model import Assignment, Evaluation
from generator.source.records import Record, fields


def template_helpers(a: Assignment, wording: Wording) -> dict[str, Callable[..., Any]]:
    """What templates call to print people, and a changed item and value of the plan."""
    terms, fmt = wording.terms, wording.fmt
    name = _people_formatter(a, with_role=False)
    groups = {"period": terms.timeline.legend.period, "terms": terms.proposal.terms,
              "exit_plan": terms.exit.heading, "position": terms.position.heading,
              "resources": terms.resources.heading, "risks": terms.action_plan.risk,
              "coaching": terms.action_plan.coaching}

    def plan_item(group: str, subject: str) -> Md:
        """An amended item as the client knows it: "M2", "Evaluatie 2 apr 2027", "Looptijd",
        a person's name, "Risico 2" (never the source's key: `period`, `2027-04-02`)."""
        if group == "evaluations":
            day = datetime.date.fromisoformat(subject)
            return Md(f"{terms.timeline.evaluation} {fmt.date(day, 'medium')}")
        if group == "people":
            return name(subject)
        heading = groups[group] if group in groups else label(group, terms.history.fields)
        if subject == group:
            return Md(str(heading))
        return Md(f"{heading} {escape(subject)}") if subject.isdigit() else Md(escape(subject))

    def added_item(item: str, text: Any) -> tuple[Md, Any]:
        """An added item's name and what it is (an evaluation: its date and its kind)."""
        if isinstance(text, Evaluation):
            return plan_item("evaluations", item), label(text.kind, terms.labels.evaluation)
        return Md(escape(item)), text

    def names(ids: Iterable[str]) -> Md:
        return Md(", ".join(name(i) for i in ids))

    def value(v: Any, form: str) -> Any:
        if v is None or v == []:
            return Md("–")
        shown = {"date": lambda: fmt.date(v, "medium"), "person": lambda: name(v),
                 "people": lambda: names(v), "number": lambda: fmt.number(v),
                 "money": lambda: fmt.money(v, a.intake.terms.currency)}
        if form in shown:
            return shown[form]()
        if form == "item":  # a record replaced whole: what it is called (a name, a risk)
            return "; ".join(_called(x) for x in (v if isinstance(v, list) else [v]))
        return ", ".join(map(str, v)) if isinstance(v, list) else v

    proper = {word for text in (*(p.name for p in a.people), a.client.name)
              for word in re.split(r"[\W\d_]+", text) if word}

    def dashed(text: Any) -> Md:
        """Text after a joining dash: lower case unless it starts with a name of the
        assignment ("Jan Peeters leidt ..." stays)."""
        return Md(finalize(type(text)(after_dash(str(text), proper))))

    return {"who": _people_formatter(a, with_role=True), "name": name, "names": names,
            "value": value, "plan_item": plan_item, "added_item": added_item,
            "after_dash": dashed}


def _called(record: Record) -> str:
    """A record in one phrase: its first text (a successor's name, a risk, a resource)."""
    values = (getattr(record, f) for f in fields(type(record)))
    return next((v for v in values if isinstance(v, str) and v), "–")


def _people_formatter(a: Assignment, *, with_role: bool) -> Callable[[str | None], Md]:
    """`who(id)` / `name(id)` for templates: a person as printed, "–" for nobody."""

    def show(person_id: str | None) -> Md:
        if not person_id:
            return Md("–")
        person = a.person(person_id)
        text = escape(person.name)
        return Md(aside(text, escape(person.role)) if with_role and person.role else text)

    return show


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def count_sections(markdown: str) -> int:
    """Top-level headings (`# `) outside code blocks: the document's sections."""
    sections, fence = 0, ""
    for line in markdown.splitlines():
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = ""
        elif opened:
            fence = opened.group(1)
        elif line.startswith("# ") or line == "#":
            sections += 1
    return sections
