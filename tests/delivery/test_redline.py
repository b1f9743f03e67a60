"""Redlines read as a client reads them: accept every change and get the newer document,
reject every change and get the older one, in our own reading and in LibreOffice's."""

from __future__ import annotations

import datetime
import os
import random
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from docx_reading import EPOCH, ROOT, source_date_epoch, variant
from example_project import ExampleProject
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from lxml import etree
from make_env import make_env
from redline_reading import libreoffice, parts, plain, resolve, stories, stories_text, tracked, w

from generator.cli import main
from generator.delivery.build import Builder
from generator.delivery.pdf import find_soffice
from generator.delivery.redline import redline, write_redline
from generator.delivery.redline.versions import parse_version, render_document
from generator.errors import GeneratorError
from generator.source.project import load_assignment, load_firm

EXAMPLE = "dl-logistiek-2027"
FIRM = "Coverton Interim Management BV"
Change = Callable[[dict[str, Any]], None]


def fresh_builder() -> Builder:
    """A Builder of its own: one keeps an assignment's timeline picture by assignment id."""
    return Builder(load_firm(ROOT), root=ROOT)


def render(base: Path, change: Change, document: str = "handbook") -> bytes:
    """`document` of a copy of the example with its source changed, as the generator writes it."""
    folder = variant(EXAMPLE, base, change)
    with source_date_epoch(EPOCH):
        return render_document(folder, document, fresh_builder())


def milestone(data: dict[str, Any], mid: str) -> dict[str, Any]:
    return next(m for m in data["analysis"]["milestones"] if m["id"] == mid)


def as_of(day: datetime.date, document: str = "handbook") -> bytes:
    """`document` of the example as its history stood on `day` (generator.source.history)."""
    with source_date_epoch(EPOCH):
        return fresh_builder().document(load_assignment(ROOT / "assignments" / EXAMPLE),
                                        document, as_of=day)


def assert_reads_as(red: bytes, older: bytes, newer: bytes) -> None:
    """Accepting all gives the newer text, rejecting all the older, story by story."""
    assert stories_text(resolve(red, accept=True)) == plain(newer)
    assert stories_text(resolve(red, accept=False)) == plain(older)


@pytest.fixture(scope="module")
def handbook() -> tuple[bytes, bytes, bytes]:
    # version 1.1 (accepted on 1 February 2027) and 1.2 (change W1 of 19 February)
    older, newer = as_of(datetime.date(2027, 2, 1)), as_of(datetime.date(2027, 2, 19))
    return older, newer, redline(older, newer, author=FIRM)


def row_id(row: etree._Element) -> str:
    return "".join(t.text or "" for t in row.find(w("tc")).iter(w("t"), w("delText")))


def row_mark(row: etree._Element) -> str | None:
    props = row.find(w("trPr"))
    for status in ("ins", "del"):
        if props is not None and props.find(w(status)) is not None:
            return status
    return None


# ---------------------------------------------------------------------------- the example

def test_handbook_1_1_to_1_2_accepts_to_the_newer_and_rejects_to_the_older(handbook) -> None:
    older, newer, red = handbook
    assert plain(older) != plain(newer)
    assert_reads_as(red, older, newer)


def test_changes_carry_the_firm_and_the_newer_versions_date_and_unique_ids(handbook) -> None:
    red = handbook[2]
    changes = tracked(red)
    assert len(changes) > 10
    assert {c.get(w("author")) for c in changes} == {FIRM}
    assert {c.get(w("date")) for c in changes} == {"2027-02-19T00:00:00Z"}
    for name, root in stories(red).items():
        ids = [n.get(w("id")) for n in root.iter(w("ins"), w("del"), w("bookmarkStart"))]
        assert len(ids) == len(set(ids)), f"revision ids repeat in {name}"


def test_w1_is_an_inserted_row_and_m2_a_changed_cell(handbook) -> None:
    body = stories(handbook[2])["word/document.xml"]
    milestones = next(rows for t in body.iter(w("tbl"))
                      if (rows := t.findall(w("tr"))) and any(row_id(r) == "M2" for r in rows))
    m2 = next(r for r in milestones if row_id(r) == "M2")
    assert row_mark(m2) is None, "M2 stays M2: its row is changed in place, not replaced"
    # a changed date reads whole: the old date deleted, the new one inserted
    assert [t.text for t in m2.iter(w("delText"))] == ["12\u00a0mrt\u00a02027"]
    inserted = [t.text for i in m2.iter(w("ins")) for t in i.iter(w("t"))]
    assert inserted == ["26\u00a0mrt\u00a02027"]
    assert all(row_mark(r) is None for r in milestones)
    # W1 in the change log and in the table of amendments: rows that come with version 1.2
    w1 = [r for t in body.iter(w("tbl")) for r in t.findall(w("tr")) if row_id(r) == "W1"]
    assert len(w1) == 2 and all(row_mark(r) == "ins" for r in w1)
    deleted = [p for p in body.iter(w("p"))
               if p.find(f"{w('pPr')}/{w('rPr')}/{w('del')}") is not None]
    assert deleted, "the 'no changes yet' sentence goes, paragraph mark and all"


def test_header_footer_and_document_control_show_the_new_version(handbook) -> None:
    red = handbook[2]
    root = stories(red)
    footers = [n for n in root if "footer" in n]
    footer_changes = [c for n in footers for c in root[n].iter(w("ins"), w("del"))]
    assert footer_changes, "the footer's version and date changed"
    accepted = stories_text(resolve(red, accept=True))
    rejected = stories_text(resolve(red, accept=False))
    assert any("1.2" in str(accepted[n]) and "1.1" not in str(accepted[n]) for n in footers)
    assert any("1.1" in str(rejected[n]) for n in footers)
    control = [c for c in root["word/document.xml"].iter(w("tc"))
               if c.find(f".//{w('ins')}") is not None and "2" in "".join(c.itertext())]
    assert control, "the document-control table's version cell is changed word by word"


def test_a_row_inserted_above_m2_leaves_m2_untouched(tmp_path: Path) -> None:
    def added(data: dict[str, Any]) -> None:
        data["analysis"]["milestones"].insert(1, {
            "id": "M1B", "title": "Tussentijdse audit", "due": datetime.date(2027, 2, 20),
            "objectives": ["D1"], "owner": "jpeeters", "acceptance": "Auditrapport besproken"})

    older, newer = render(tmp_path / "a", lambda d: None), render(tmp_path / "b", added)
    red = redline(older, newer, author=FIRM)
    body = stories(red)["word/document.xml"]
    marked = [(row_id(r), row_mark(r)) for r in body.iter(w("tr")) if row_mark(r)]
    assert marked == [("M1B", "ins")]
    assert_reads_as(red, older, newer)


def test_same_inputs_give_the_same_bytes(handbook) -> None:
    older, newer, red = handbook
    assert redline(older, newer, author=FIRM) == red
    pinned = datetime.datetime(2027, 2, 19, tzinfo=datetime.UTC)
    assert redline(older, newer, author=FIRM, date=pinned) == red


def test_a_document_against_itself_has_no_changes(handbook) -> None:
    newer = handbook[1]
    red = redline(newer, newer, author=FIRM)
    assert tracked(red) == []
    assert plain(red) == plain(newer)


def test_a_changed_picture_is_deleted_and_inserted_and_both_stay_in_the_package(
        tmp_path: Path) -> None:
    """The action plan's timeline moves with M2: old picture deleted, new one inserted."""
    older = render(tmp_path / "a", lambda d: None, "action-plan")
    newer = render(tmp_path / "b", lambda d: milestone(d, "M2").update(
        due=datetime.date(2027, 3, 26)), "action-plan")
    red = redline(older, newer, author=FIRM)
    body = stories(red)["word/document.xml"]
    gone = [d for x in body.iter(w("del")) for d in x.iter(w("drawing"))]
    came = [d for x in body.iter(w("ins")) for d in x.iter(w("drawing"))]
    assert len(gone) == 1 and len(came) == 1
    package = parts(red)
    rels = etree.fromstring(package["word/_rels/document.xml.rels"])
    targets = {r.get("Id"): r.get("Target") for r in rels}
    blip = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
    embed = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"
    old_picture = package["word/" + targets[next(gone[0].iter(blip)).get(embed)]]
    assert old_picture in parts(older).values() and old_picture not in parts(newer).values()
    ids = [d.get("id") for d in body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert len(ids) == len(set(ids))
    assert_reads_as(red, older, newer)


def test_not_a_docx_is_refused() -> None:
    with pytest.raises(GeneratorError, match=r"not a \.docx"):
        redline(b"plain text", b"plain text", author=FIRM)


# ---------------------------------------------------------------------------- properties

ADDED = 0


def _ops() -> st.SearchStrategy[list[tuple[str, int, int]]]:
    op = st.tuples(st.sampled_from(["amend-m", "add-m", "drop-m", "amend-a", "add-a", "drop-a"]),
                   st.integers(0, 40), st.integers(0, 120))
    return st.lists(op, min_size=1, max_size=6)


def apply_ops(data: dict[str, Any], ops: list[tuple[str, int, int]], tag: str) -> None:
    """Amend, add and drop milestones and actions, keeping the plan valid (new ids `tag`)."""
    plan = data["analysis"]
    start = datetime.date(2027, 1, 12)
    for number, (op, index, days) in enumerate(ops):
        milestones, actions = plan["milestones"], plan["actions"]
        day = start + datetime.timedelta(days=days)
        m = milestones[index % len(milestones)]
        if op == "amend-m":
            m["due"], m["title"] = day, f"{m['title']} (herzien {number})"
        elif op == "add-m":
            milestones.insert(index % (len(milestones) + 1), {
                "id": f"N{tag}{number}", "title": f"Nieuwe mijlpaal {number}", "due": day,
                "objectives": ["D1", "D2", "D3"], "owner": "jpeeters",
                "acceptance": f"Criterium {number} gehaald"})
        elif op == "drop-m" and len(milestones) > 1:
            _drop_milestone(data, m["id"])
        elif op == "amend-a" and actions:
            actions[index % len(actions)]["description"] = f"Herzien: actie {number}"
        elif op == "add-a":
            actions.insert(index % (len(actions) + 1), {
                "id": f"B{tag}{number}", "milestone": m["id"], "owner": "smertens",
                "description": f"Nieuwe actie {number}", "start": start, "due": day})
        elif op == "drop-a" and actions:
            actions.pop(index % len(actions))


def _drop_milestone(data: dict[str, Any], mid: str) -> None:
    plan = data["analysis"]
    amended = {str(path).split(".")[1] for c in data.get("execution", {}).get("changes", [])
               for path in c.get("amends", {}) if str(path).startswith("milestones.")}
    if mid in amended:
        return  # a change amends it (rule 12: the amended plan must hold it)
    rest = [m for m in plan["milestones"] if m["id"] != mid]
    if {o for m in rest for o in m["objectives"]} != {o for m in plan["milestones"]
                                                       for o in m["objectives"]}:
        return  # every objective stays served (rule 6)
    plan["milestones"] = rest
    plan["actions"] = [a for a in plan["actions"] if a["milestone"] != mid]
    for progress in data.get("execution", {}).get("progress", []):
        progress.get("milestones", {}).pop(mid, None)
    data.get("closing", {}).get("milestones", {}).pop(mid, None)


@settings(max_examples=int(os.environ.get("REDLINE_EXAMPLES", "30")),
          deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow])
@given(before=_ops(), after=_ops())
def test_random_plans_accept_to_the_newer_and_reject_to_the_older(
        before: list[tuple[str, int, int]], after: list[tuple[str, int, int]]) -> None:
    with tempfile.TemporaryDirectory() as temp:
        base = Path(temp)
        older = render(base / "a", lambda d: apply_ops(d, before, "A"))
        newer = render(base / "b", lambda d: (apply_ops(d, before, "A"), apply_ops(d, after, "B")))
        red = redline(older, newer, author=FIRM)
        assert_reads_as(red, older, newer)
        assert (plain(older) == plain(newer)) == (tracked(red) == [])


WORDS = ["plan", "mijlpaal", "actie", "klant", "risico", "datum", "team", "scanner", "M2"]
_words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join)
_inline = st.one_of(_words, _words.map(lambda t: f"**{t}**"),
                    _words.map(lambda t: f"[{t}](https://example.com/{t.split()[0]})"))
_block = st.one_of(
    st.lists(_inline, min_size=1, max_size=3).map(" ".join),
    st.tuples(st.integers(1, 2), _words).map(lambda x: "#" * x[0] + " " + x[1]),
    st.lists(_words, min_size=1, max_size=3).map(lambda i: "\n".join("- " + t for t in i)),
    st.tuples(st.lists(st.tuples(st.integers(1, 9), _words), min_size=1, max_size=6,
                       unique_by=lambda r: r[0]), _words).map(
        lambda x: f"Tabel: {x[1]}\n\n| Id | Wat |\n|---|---|\n"
        + "\n".join(f"| R{n} | {t} |" for n, t in x[0]) + f"\n\nBron: {x[1]}"),
)
_CONVERTER: list[Any] = []


def markdown_docx(blocks: list[str]) -> bytes:
    """A document of these Markdown blocks, written by the generator's Word writer."""
    from generator.writer.converter import Converter, DocumentMeta

    if not _CONVERTER:
        _CONVERTER.append(Converter())
    meta = DocumentMeta(title="Redline", timestamp=datetime.datetime(2027, 2, 19))
    return _CONVERTER[0].convert("\n\n".join(blocks) + "\n", meta, base_dir=ROOT)


def documents(pool: list[tuple[str, str, str]]) -> tuple[list[str], list[str]]:
    """The older and the newer document of a pool of (block, other block, what happens)."""
    older, newer = ["Begin."], ["Begin."]
    for block, other, what in pool:
        if what != "new":
            older.append(block)
        if what != "old":
            newer.append(other if what == "changed" else block)
        if "|" in block + other:
            older.append("Verder.")
            newer.append("Verder.")
    return [*older, "Einde."], [*newer, "Einde."]


@settings(max_examples=int(os.environ.get("REDLINE_EXAMPLES", "30")) * 4,
          deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow])
@given(pool=st.lists(st.tuples(_block, _block, st.sampled_from(["both", "old", "new", "changed"])),
                     min_size=1, max_size=10))
def test_random_documents_accept_to_the_newer_and_reject_to_the_older(
        pool: list[tuple[str, str, str]]) -> None:
    """Paragraphs, headings, lists, links and tables kept, dropped, added and changed.

    Both begin and end with a paragraph, paragraphs surround each table and an
    unchanged one follows a stretch with a table, as in the generated documents.
    A paragraph mark that comes or goes joins the paragraph next to it, never one
    beyond a table (LibreOffice's reading): a paragraph alone between tables stays,
    empty (the known limit, next test); only such empty paragraphs are forgiven,
    at most one per table.
    """
    older, newer = (markdown_docx(blocks) for blocks in documents(pool))
    red = redline(older, newer, author=FIRM)
    tables = len(stories(red)["word/document.xml"].findall(f".//{w('tbl')}"))
    for accept, expected in ((True, newer), (False, older)):
        seen, wanted = stories_text(resolve(red, accept=accept)), plain(expected)
        assert without_empty(seen) == without_empty(wanted)
        assert 0 <= empties(seen) - empties(wanted) <= tables


def without_empty(stories: dict[str, list[object]]) -> dict[str, list[object]]:
    return {name: [b for b in blocks if b not in (("BodyText", ""), ("FirstParagraph", ""))]
            for name, blocks in stories.items()}


def empties(stories: dict[str, list[object]]) -> int:
    """Empty body paragraphs: the known limit (next test) leaves one where a paragraph
    between tables has no neighbour for its tracked mark to join; only that is forgiven."""
    return sum(1 for blocks in stories.values() for b in blocks
               if b in (("BodyText", ""), ("FirstParagraph", "")))


def test_the_known_limit_a_paragraph_with_no_paragraph_to_join_stays_empty() -> None:
    """A paragraph mark that comes or goes joins a neighbouring paragraph; with tables
    (or the story's end) on both sides there is none, and Word would merge the tables.
    The redline then keeps that paragraph, emptied: after a final table, or between two.
    """
    table = "| Id | Wat |\n|---|---|\n| R1 | plan |"
    older, newer = markdown_docx([table]), markdown_docx([table, "Einde."])
    red = redline(older, newer, author=FIRM)
    assert stories_text(resolve(red, accept=True)) == plain(newer)
    rejected = stories_text(resolve(red, accept=False))["word/document.xml"]
    assert rejected == [*plain(older)["word/document.xml"], ("BodyText", "")]
    older = markdown_docx(["Begin.", table, "Tussen.", table.replace("R1", "R2")])
    newer = markdown_docx(["Begin.", table, table.replace("R1", "R2")])
    red = redline(older, newer, author=FIRM)
    assert stories_text(resolve(red, accept=False)) == plain(older)
    accepted = stories_text(resolve(red, accept=True))["word/document.xml"]
    expected = plain(newer)["word/document.xml"]
    assert accepted == [*expected[:2], (accepted[2][0], ""), *expected[2:]]


def random_pair(seed: int) -> tuple[list[str], list[str]]:
    """Two Markdown documents sharing some blocks (a plain-random twin of the strategy)."""
    rng = random.Random(seed)
    table = "Tabel: {word}\n\n| Id | Wat |\n|---|---|\n{rows}\n\nBron: {word}"
    def block() -> str:
        words = " ".join(rng.choices(WORDS, k=rng.randint(1, 5)))
        return rng.choice([
            words, f"**{words}** {rng.choice(WORDS)}", f"# {words}", f"- {words}\n- plan",
            table.format(rows="\n".join(f"| R{n} | {rng.choice(WORDS)} |" for n in
                                        sorted(rng.sample(range(1, 9), rng.randint(1, 4)))),
                         word=rng.choice(WORDS))])
    return documents([(block(), block(), rng.choice(["both", "both", "old", "new", "changed"]))
                      for _ in range(rng.randint(3, 9))])


@pytest.mark.libreoffice
@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_agrees_on_random_documents(tmp_path: Path) -> None:
    """Moved paragraph marks, merged paragraphs and deleted tables, as LibreOffice reads them."""
    jobs, cases = [], 12
    for seed in range(cases):
        older, newer = (markdown_docx(blocks) for blocks in random_pair(seed))
        for name, data in (("older", older), ("newer", newer),
                           ("redline", redline(older, newer, author=FIRM))):
            path = tmp_path / f"{seed}-{name}.docx"
            path.write_bytes(data)
            jobs += [("accept", path), ("reject", path)] if name == "redline" else [("none", path)]
    seen = libreoffice(find_soffice() or "soffice", tmp_path, jobs)
    for seed in range(cases):
        before, after, accepted, rejected = seen[4 * seed: 4 * seed + 4]
        assert accepted.left == rejected.left == 0
        assert (accepted.text, rejected.text) == (after.text, before.text), f"seed {seed}"


# ---------------------------------------------------------------------------- git revisions

def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=t@example.invalid",
                    "-c", "commit.gpgsign=false", *args], cwd=root, check=True,
                   capture_output=True)


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A documents repository with two commits: the example, then M2 moved and A3 added."""
    root = tmp_path / "repo"
    folder = variant(EXAMPLE, root, lambda d: None)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "as sent")
    _git(root, "tag", "1.1")
    text = (folder / "assignment.yaml").read_text(encoding="utf-8")
    text = text.replace("due: 2027-03-12", "due: 2027-03-26", 1)
    (folder / "assignment.yaml").write_text(text, encoding="utf-8")
    _git(root, "commit", "-q", "-am", "M2 moved")
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return root


def test_git_revision_redline_through_the_command(repository: Path) -> None:
    folder = repository / "assignments" / EXAMPLE
    before = repository.parent / "before"
    _git(repository, "worktree", "add", "-q", str(before), "HEAD~1")
    result = CliRunner().invoke(main, ["redline", EXAMPLE, "handbook", "--from", "HEAD~1"])
    assert result.exit_code == 0, result.output
    target = repository / "build" / EXAMPLE / "redline-handbook-HEAD~1-worktree.docx"
    assert f"wrote build/{EXAMPLE}/redline-handbook-HEAD~1-worktree.docx" in result.output
    red = target.read_bytes()
    older = render_document(before / "assignments" / EXAMPLE, "handbook", fresh_builder())
    newer = render_document(folder, "handbook", fresh_builder())
    assert plain(older) != plain(newer)
    assert_reads_as(red, older, newer)
    texts = [t.text for c in tracked(red) for t in c.iter(w("delText"), w("t"))]
    assert "12\u00a0mrt\u00a02027" in texts and "26\u00a0mrt\u00a02027" in texts


def test_a_name_that_is_a_version_and_a_tag_is_refused(repository: Path) -> None:
    result = CliRunner().invoke(main, ["redline", EXAMPLE, "handbook", "--from", "1.1"])
    assert result.exit_code == 1
    assert "both a history version and a git revision" in result.output
    assert "version:1.1 or rev:1.1" in result.output
    ok = CliRunner().invoke(main, ["redline", EXAMPLE, "handbook", "--from", "rev:1.1",
                                   "--to", "HEAD", "-o", "out/r.docx"])
    assert ok.exit_code == 0, ok.output
    assert tracked((repository / "out" / "r.docx").read_bytes())
    same = CliRunner().invoke(main, ["redline", EXAMPLE, "handbook", "--from", "HEAD~1",
                                     "--to", "rev:1.1", "-o", "out/same.docx"])
    assert same.exit_code == 1 and "are the same version of handbook" in same.output


def test_history_version_1_1_of_the_example_to_the_working_tree(tmp_path: Path) -> None:
    """`--from 1.1` is the handbook as of version 1.1's date (1 February 2027), rendered
    from the same sources as the newer side: W1 and M2's new date are the changes."""
    folder = ROOT / "assignments" / EXAMPLE
    target = write_redline(ROOT, EXAMPLE, "handbook", "1.1", None, tmp_path / "r.docx")
    red = target.read_bytes()
    older = fresh_builder().document(load_assignment(folder), "handbook",
                                     as_of=datetime.date(2027, 2, 1))
    newer = render_document(folder, "handbook", fresh_builder())
    assert_reads_as(red, older, newer)
    body = stories(red)["word/document.xml"]
    w1 = [r for t in body.iter(w("tbl")) for r in t.findall(w("tr")) if row_id(r) == "W1"]
    assert w1 and all(row_mark(r) == "ins" for r in w1)
    m2 = next(r for t in body.iter(w("tbl")) for r in t.findall(w("tr")) if row_id(r) == "M2")
    assert [t.text for t in m2.iter(w("delText"))] == ["12\u00a0mrt\u00a02027"]
    assert [t.text for i in m2.iter(w("ins")) for t in i.iter(w("t"))] == ["26\u00a0mrt\u00a02027"]
    # a rewritten paragraph reads whole: the old sentence deleted, then the new heading
    rewritten = next(p for p in body.iter(w("p")) if "Er zijn nog geen" in
                     "".join(t.text or "" for t in p.iter(w("delText"))))
    changes = [c.tag for c in rewritten if c.tag in (w("ins"), w("del"))]
    assert changes == sorted(changes, key=lambda tag: tag != w("del")), changes
    assert "".join(t.text for t in rewritten.iter(w("t"))) == "Aanpassingen van het plan"


@pytest.mark.parametrize("output", ["assignments/{id}/assignment.yaml", "templates/brand.docx"])
def test_the_output_never_replaces_a_source_or_the_brand_template(
        example: ExampleProject, output: str) -> None:
    """`-o assignments/<id>/assignment.yaml` replaced the assignment by the redline."""
    (example.root / "templates").mkdir(exist_ok=True)
    (example.root / "templates" / "brand.docx").write_bytes(
        (ROOT / "templates" / "reference.docx").read_bytes())
    (example.root / "firm.yaml").write_text("name: Firma\nbrand_template: templates/brand.docx\n",
                                            encoding="utf-8")
    target = example.root / output.format(id=EXAMPLE)
    before = target.read_bytes()
    result = CliRunner().invoke(main, ["redline", EXAMPLE, "handbook", "--from", "1.1",
                                       "-o", str(target)])
    assert result.exit_code == 1
    said = ("is the brand template, which this run reads" if output.endswith(".docx")
            else "the output must be a .docx file")
    assert said in result.output, result.output
    assert target.read_bytes() == before


@pytest.mark.parametrize("sides", [["--from", "1.1", "--to", "1.1"],
                                   ["--from", "version:1.2", "--to", "1.2"]])
def test_a_version_against_itself_is_refused(tmp_path: Path, sides: list[str]) -> None:
    """It wrote a redline with no change, as if the two versions were the same document."""
    result = CliRunner().invoke(main, ["redline", EXAMPLE, "handbook", *sides,
                                       "-o", str(tmp_path / "r.docx")])
    assert result.exit_code == 1
    assert "are the same version of handbook" in result.output, result.output
    assert not (tmp_path / "r.docx").exists()


def test_the_current_version_against_the_working_tree_says_no_change(tmp_path: Path) -> None:
    """`--from 1.3` (the handbook's current version) wrote a redline without a change."""
    result = CliRunner().invoke(main, ["redline", EXAMPLE, "handbook", "--from", "1.3",
                                       "-o", str(tmp_path / "r.docx")])
    assert result.exit_code == 0, result.output
    assert "no change between 1.3 and the working tree in handbook: nothing written" in \
        result.output
    assert not (tmp_path / "r.docx").exists()


def test_a_revision_that_changes_nothing_of_the_document_writes_nothing(
        repository: Path) -> None:
    """M2's baseline date moved, but the progress report of 19 February shows the plan as
    amended by then (M2 already due on 26 March): nothing to track."""
    result = CliRunner().invoke(main, ["redline", EXAMPLE, "progress-2027-02-19",
                                       "--from", "HEAD~1", "--to", "HEAD"])
    assert result.exit_code == 0, result.output
    assert "no change between HEAD~1 and HEAD in progress-2027-02-19" in result.output
    assert not (repository / "build").exists()


def test_an_unknown_history_version_names_the_versions_there_are(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["redline", EXAMPLE, "handbook", "--from", "version:1.7",
                                       "-o", str(tmp_path / "r.docx")])
    assert result.exit_code == 1
    assert "has no version '1.7' (its versions: 1.1 (2027-02-01), 1.2 (2027-02-19), " \
        "1.3 (2027-06-14))" in \
        result.output
    assert not (tmp_path / "r.docx").exists()


def test_bad_names_and_documents_are_refused_and_write_nothing(repository: Path) -> None:
    folder = repository / "assignments" / EXAMPLE
    with pytest.raises(GeneratorError, match=r"neither a history version \(MAJOR.* nor a git"):
        parse_version("no-such-tag", folder)
    with pytest.raises(GeneratorError, match="not a git revision"):
        parse_version("rev:no-such-tag", folder)
    with pytest.raises(GeneratorError, match="has no document 'progress-2030-01-01'"):
        write_redline(repository, EXAMPLE, "progress-2030-01-01", "HEAD~1", None)
    with pytest.raises(GeneratorError, match="unknown document kind"):
        write_redline(repository, EXAMPLE, "brochure", "HEAD~1", None)
    assert not (repository / "build").exists()


def test_a_progress_report_is_named_by_its_file_name(repository: Path) -> None:
    folder = repository / "assignments" / EXAMPLE
    text = (folder / "assignment.yaml").read_text(encoding="utf-8")
    (folder / "assignment.yaml").write_text(
        text.replace("met een week vertraging", "met twee weken vertraging"), encoding="utf-8")
    _git(repository, "commit", "-q", "-am", "the delay was two weeks")
    target = write_redline(repository, EXAMPLE, "progress-2027-02-19", "HEAD~1", "HEAD")
    assert target is not None
    assert target.name == "redline-progress-2027-02-19-HEAD~1-HEAD.docx"
    red = target.read_bytes()
    folder = repository / "assignments" / EXAMPLE
    newer = render_document(folder, "progress-2027-02-19", fresh_builder())
    assert stories_text(resolve(red, accept=True)) == plain(newer)


# ---------------------------------------------------------------------------- LibreOffice

@pytest.mark.libreoffice
@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_counts_the_changes_and_accepts_and_rejects_them(
        handbook, tmp_path: Path) -> None:
    """The handbook 1.1 -> 1.2, and a plan with rows inserted, deleted and changed."""
    older = render(tmp_path / "a", lambda d: None)
    newer = render(tmp_path / "b", lambda d: apply_ops(
        d, [("drop-m", 0, 0), ("add-m", 1, 30), ("amend-a", 1, 50), ("drop-a", 0, 0),
            ("add-a", 2, 60)], "X"))
    cases = [handbook, (older, newer, redline(older, newer, author=FIRM))]
    marks = [row_mark(r) for r in stories(cases[1][2])["word/document.xml"].iter(w("tr"))]
    assert "ins" in marks and "del" in marks
    jobs = []
    for number, case in enumerate(cases):
        for name, data in zip(("older", "newer", "redline"), case, strict=True):
            path = tmp_path / f"{number}-{name}.docx"
            path.write_bytes(data)
            jobs += [("accept", path), ("reject", path)] if name == "redline" else [("none", path)]
    seen = libreoffice(find_soffice() or "soffice", tmp_path, jobs)
    for number, case in enumerate(cases):
        before, after, accepted, rejected = seen[4 * number: 4 * number + 4]
        assert before.changes == after.changes == 0
        # LibreOffice counts a changed paragraph format (w:pPrChange) as a change too
        formats = sum(1 for root in stories(case[2]).values() for _ in root.iter(w("pPrChange")))
        assert 3 <= accepted.changes <= len(tracked(case[2])) + formats
        assert accepted.left == rejected.left == 0
        assert accepted.text == after.text
        assert rejected.text == before.text
        assert accepted.text != before.text


def test_make_redline_needs_its_variables_and_passes_them_on() -> None:
    # -o: never (re)install the venv from a test
    usage = subprocess.run(["make", "-s", "-o", ".venv/.installed", "redline"], cwd=ROOT,
                           env=make_env(), capture_output=True, text=True)
    assert usage.returncode != 0 and "usage: make redline ASSIGNMENT=" in usage.stderr
    dry = subprocess.run(["make", "-n", "-o", ".venv/.installed", "redline",
                          f"ASSIGNMENT={EXAMPLE}", "DOC=handbook", "FROM=HEAD~1", "TO=v1"],
                         cwd=ROOT, env=make_env(), capture_output=True, text=True)
    assert dry.returncode == 0, dry.stderr
    assert f"redline '{EXAMPLE}' 'handbook' --from 'HEAD~1' --to 'v1'" in dry.stdout
