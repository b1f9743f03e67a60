"""Rules 1-3 (`rules/people.py`): the assignment's identity, who is referenced and who sits
where; the messages and hints in full (the cases per key: test_rules.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from example_project import ExampleProject, assert_located, copy_example, only

THIRD_PARTY = ("    role: Planner transport\n    organisation: client",
               "    role: Planner transport\n    organisation: third_party")
"""Sofie Mertens (smertens) made a supplier's planner."""

SECOND_ITEM = ("  knowledge_transfer:\n",
               "    - item: Contract transporteur verlengen\n"
               "      next_step: Offerte vergelijken\n"
               "      due: 2027-07-31\n"
               "      new_owner: {owner}\n"
               "  knowledge_transfer:\n")


def _second_open_item(example: ExampleProject, owner: str) -> None:
    example.edit(SECOND_ITEM[0], SECOND_ITEM[1].format(owner=owner))


def test_an_id_unlike_the_folder_says_both_and_the_fix(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    project = copy_example(tmp_path, "andere-map")
    error = only(project.errors(), "differs from the folder name")
    assert error.message == "id 'dl-logistiek-2027' differs from the folder name 'andere-map'"
    assert error.hint == "write `id: andere-map` or rename the folder"


def test_an_id_unlike_the_folder_is_said_at_the_id_wherever_it_stands(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    project = copy_example(tmp_path, "andere-map")
    id_line = next(line for line in project.text.splitlines() if line.startswith("id: "))
    project.edit(id_line + "\n", "")
    project.edit("title: ", id_line + "\ntitle: ")  # below `language:`, no longer the first key
    error = only(project.errors(), "differs from the folder name")
    assert_located(error, project.yaml, project.line_of(id_line))


def test_an_unknown_person_without_a_near_name_lists_everyone(example: ExampleProject) -> None:
    example.edit("accepted_by: gdewit", "accepted_by: zzz")
    error = only(example.errors(), "unknown person")
    assert error.message == "unknown person 'zzz' in `accepted_by`"
    assert error.hint == ("add the person under `people` or use one of gdewit, lvermeulen, "
                          "jpeeters, smertens, kjanssens")


def test_a_name_alike_by_half_is_suggested(example: ExampleProject) -> None:
    example.edit("accepted_by: gdewit", "accepted_by: gdxxxx")  # 'gdewit': 2 of 6 alike
    assert only(example.errors(), "unknown person").hint.startswith("add the person")
    example.edit("accepted_by: gdxxxx", "accepted_by: gdexxx")  # 3 of 6: half alike
    assert only(example.errors(), "unknown person").hint == "did you mean 'gdewit'?"
    example.edit("accepted_by: gdexxx", "accepted_by: gdewxx")  # 4 of 6 alike
    assert only(example.errors(), "unknown person").hint == "did you mean 'gdewit'?"


def test_the_interim_manager_reporting_to_himself_is_told_whom_to_name(
        example: ExampleProject) -> None:
    example.edit("reports_to: gdewit", "reports_to: lvermeulen")
    error = only(example.errors(), "report to himself")
    assert error.message == "the interim manager cannot report to himself"
    assert error.hint == ("name the level above the interim manager, usually the sponsor "
                          "(gdewit)")


def test_an_interim_manager_of_the_client_is_refused(example: ExampleProject) -> None:
    example.edit("    organisation: provider", "    organisation: client")
    error = only(example.errors(), "has organisation")
    assert error.message == "the interim manager 'lvermeulen' has organisation 'client'"
    assert error.hint == "set `organisation: provider` for this person"
    assert_located(error, example.yaml, example.line_of("interim_manager: lvermeulen"))


def test_a_third_party_never_takes_the_lead_after_the_handover(example: ExampleProject) -> None:
    """Carrying on an open item is a supplier's job; leading the department is not."""
    example.edit(*THIRD_PARTY)
    example.edit("person: jpeeters\n      role: Logistiek manager",
                 "person: smertens\n      role: Logistiek manager")
    error = only(example.errors(), "is not a client person")
    assert error.message == "'smertens' is not a client person"
    assert error.hint == ("after the handover only the client's own people can take over: "
                          "choose someone with `organisation: client`")
    assert_located(error, example.yaml, example.line_of("person: smertens"))


def test_a_leader_not_of_the_client_is_said_at_the_person_key_wherever_it_stands(
        example: ExampleProject) -> None:
    example.edit("    - person: jpeeters\n      role: Logistiek manager\n",
                 "    - role: Logistiek manager\n      person: lvermeulen\n")
    error = only(example.errors(), "'lvermeulen' is not a client person")
    assert_located(error, example.yaml, example.line_of("      person: lvermeulen"))


def test_each_open_item_handed_to_a_third_party_is_a_warning(example: ExampleProject) -> None:
    example.edit(*THIRD_PARTY)
    example.edit("new_owner: jpeeters", "new_owner: smertens")
    _second_open_item(example, "smertens")
    warnings = [w for w in example.warnings() if "a third party, takes over" in w.message]
    assert [w.location.line for w in warnings] == [
        example.line_of("new_owner: smertens"), example.line_of("new_owner: smertens", nth=2)]
    assert warnings[0].message == "'smertens', a third party, takes over an open item"
    assert warnings[0].hint == ("keep it if a supplier or adviser carries it on; else name a "
                                "client person")


def test_after_a_third_party_the_interim_manager_taking_over_is_still_refused(
        example: ExampleProject) -> None:
    example.edit(*THIRD_PARTY)
    example.edit("new_owner: jpeeters", "new_owner: smertens")
    _second_open_item(example, "lvermeulen")
    error = only(example.errors(), "is not a client person")
    assert_located(error, example.yaml, example.line_of("new_owner: lvermeulen"))


def test_an_unknown_new_owner_is_only_an_unknown_person(example: ExampleProject) -> None:
    example.edit("new_owner: jpeeters", "new_owner: niemand")
    _second_open_item(example, "lvermeulen")
    errors = example.errors()
    assert_located(only(errors, "unknown person 'niemand'"), example.yaml,
                   example.line_of("new_owner: niemand"))
    assert_located(only(errors, "is not a client person"), example.yaml,
                   example.line_of("new_owner: lvermeulen"))
