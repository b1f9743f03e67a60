"""Picking one document to build: by its name, as of a date, refused with the reason."""

from __future__ import annotations

import datetime

import pytest
from docx_reading import EXAMPLE, ROOT, variant

from generator.delivery.planning import named_job
from generator.errors import GeneratorError
from generator.source.project import load_assignment

Day = datetime.date


def test_a_document_is_picked_by_its_name() -> None:
    loaded = load_assignment(ROOT / "assignments" / EXAMPLE)
    report = named_job(loaded, "progress-2027-02-19")
    assert (report.kind.id, report.instance.name) == ("progress", "progress-2027-02-19")
    assert named_job(loaded, "handbook").filename == "handbook.docx"


def test_a_name_of_no_document_lists_those_of_its_kind() -> None:
    loaded = load_assignment(ROOT / "assignments" / EXAMPLE)
    with pytest.raises(GeneratorError, match=r"has no document 'progress-2030-01-01' "
                       r"\(documents of that kind: progress-2027-02-19, progress-2027-04-02\)"):
        named_job(loaded, "progress-2030-01-01")


def test_a_document_the_sources_do_not_allow_yet_is_refused_with_why(tmp_path) -> None:
    def unaccepted(data: dict) -> None:
        del data["analysis"]["acceptance"]

    loaded = load_assignment(variant(EXAMPLE, tmp_path, unaccepted))
    with pytest.raises(GeneratorError, match=r"handbook cannot be built from .*formally accepted"):
        named_job(loaded, "handbook")
    assert named_job(loaded, "handbook", draft=True).draft, "a draft may be asked for"


def test_as_of_a_date_before_its_facts_the_document_did_not_exist() -> None:
    loaded = load_assignment(ROOT / "assignments" / EXAMPLE)
    with pytest.raises(GeneratorError, match=r"handbook cannot be built .*\(as of 2027-01-20\)"):
        named_job(loaded, "handbook", as_of=Day(2027, 1, 20))
    assert named_job(loaded, "handbook", as_of=Day(2027, 2, 1)).as_of == Day(2027, 2, 1)
