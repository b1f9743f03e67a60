"""Issued documents never change: `interim issue`, and the check `validate` and `build` run.

`interim issue` records that a document, as the sources render it now, was sent to the
client: its name, version, date and the digest of its canonical text
(generator.delivery.canonical) in `issued.yaml`, and that text in `issued/` (see
generator.source.issued for the files). From then on every issued version is rendered
again, as of its date, whenever the sources are validated or built; a version whose text
would differ is refused, naming the first paragraph that differs (as issued, as now) and
the source values printed there, and asking for a dated change instead: an edit in
place rewrites what the client already holds, a change says when the fact changed.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

from generator.delivery.canonical import (
    SourceKey,
    canonical_text,
    digest,
    dotted,
    excerpt,
    first_difference,
    normal,
    source_keys,
)
from generator.delivery.planning import Job, named_job
from generator.delivery.stamps import document_stamp
from generator.documents.template_cache import private_cache_folder, read_owned
from generator.documents.templating import Wording
from generator.errors import Diagnostic, GeneratorError, Location, Report, SourceError
from generator.source.files import FileRefused, read_inside
from generator.source.firm import Firm
from generator.source.issued import (
    DIGEST,
    ISSUED_FILE,
    IssuedRecord,
    read_issued,
    record_location,
    text_name,
)
from generator.source.project import ASSIGNMENT_FILE, Loaded
from generator.source.reading import load_yaml
from generator.writer.converter import write_atomic

ISSUED = "issued"
"""What `interim redline --from issued` names: the last issued version of the document."""
HEADER = """\
# The documents sent to the client, recorded by `interim issue` (docs/format.md, "Issued
# documents"): `interim validate` and `interim build` refuse sources that would change
# one of them. Written by the tool, one record appended per issue: do not edit by hand,
# commit it (and issued/) with the sources.
issued:
"""
_SECTIONS = ("intake", "analysis", "execution", "closing")
_FACTS = {("period",), ("position",), ("client",), ("intake", "terms"),
          ("intake", "exit_plan")}
"""Where a value is a fact a change may amend (besides the items of a list, by id)."""
_HISTORY = ("execution", "closing", "documents")
"""Keys that record what happened (reports, changes, the closing, pinned dates): a dated
change does not amend them; what was issued of them is put back."""
_FIRM_KEYS = ("name", "address", "vat_number", "email", "phone", "website")


class Renders(Protocol):
    """What renders documents (generator.delivery.build.Builder)."""

    firm: Firm

    def markdown(self, job: Job, *, pictures: bool = True) -> tuple[str, Any, dict[str, bytes]]:
        ...

    def docx(self, job: Job, *, pictures: bool = True) -> bytes: ...

    def wording(self, language: str) -> Wording: ...


@dataclass(frozen=True)
class Issued:
    """What `interim issue` did: the record, where, and whether it was new."""

    record: IssuedRecord
    path: Path
    new: bool


def check_issued(loaded: Loaded, renderer: Callable[[], Renders]) -> list[Diagnostic]:
    """Every issued version of the assignment rendered again as of its date; a problem per
    version whose text would differ. `renderer` is called only when there are records."""
    try:
        records, source = read_issued(loaded.folder)
    except SourceError as exc:
        return exc.diagnostics
    problems: list[Diagnostic] = []
    digests = Digests.for_user()
    for index, record in enumerate(records):
        where = record_location(source, loaded.folder, index)
        try:
            job = named_job(loaded, record.document, as_of=record.date)
            key = _key(renderer(), job, loaded.assignment.language)
            if digests.get(key) == record.digest:
                continue  # this very Markdown was read as the issued text before
            lines = text_of(renderer().docx(job, pictures=False), renderer(),
                            loaded.assignment.language)
        except GeneratorError as exc:
            problems.append(Diagnostic(where, f"{_named(record)} can no longer be built as "
                                       f"of {record.date}: {exc}", _hint(record)))
            continue
        digests.put(key, digest(lines))
        if digest(lines) != record.digest:
            problems.append(_refusal(loaded, record, where, lines, renderer()))
    return problems


class Digests:
    """The digests of texts already read, by what they were rendered from.

    A document's text is a function of its Markdown and the writer: once read, the same
    Markdown (the sources as they were, rendered as of the same date) needs no .docx to
    know its digest, which keeps `validate` quick with many issued versions. Kept in
    `$XDG_CACHE_HOME/interim-docs/issued-<uid>/`, used only when that folder and each entry
    are the user's alone; an entry that is not a digest is ignored (the text is read again).
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    @classmethod
    def for_user(cls) -> Digests:
        return cls(private_cache_folder("issued"))

    def get(self, key: str) -> str | None:
        data = read_owned(self.folder / key, 80) if self.folder is not None else None
        text = (data or b"").decode("ascii", "replace").strip()
        return text if data is not None and DIGEST.fullmatch(text) else None

    def put(self, key: str, value: str) -> None:
        if self.folder is not None:
            with contextlib.suppress(OSError):
                write_atomic(self.folder / key, value.encode("ascii"))


def _key(renderer: Renders, job: Job, language: str) -> str:
    """What a document's text is made from: its Markdown, the firm's details as keys, the
    pictures it names and the writer that reads it."""
    markdown, _, images = renderer.markdown(job, pictures=False)
    found = hashlib.sha256()
    for part in (_writer(), json.dumps(sorted(firm_values(renderer.firm, language).items())),
                 " ".join(sorted(images)), markdown):
        found.update(part.encode("utf-8") + b"\0")
    return found.hexdigest()


@functools.cache
def _writer() -> str:
    """The writer, the Markdown dialect and the text reader as installed, with the parser's
    release: a changed one reads every text again."""
    from generator.source import dialect
    from generator.writer import converter

    files = sorted([*Path(converter.__file__).parent.glob("*.py"), Path(dialect.__file__),
                    Path(__file__), Path(canonical_text.__code__.co_filename)])
    releases = []
    for package in ("interim-docs", "markdown-it-py", "mdit-py-plugins", "lxml"):
        try:
            releases.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            releases.append(package)
    return ";".join([*releases, *(f"{f.name}:{f.stat().st_size}:{f.stat().st_mtime_ns}"
                                  for f in files)])


def issue_document(loaded: Loaded, document: str, renderer: Renders, generator: str | None
                   ) -> Issued:
    """Record `document` as the sources render it now as issued; refused while an earlier
    issued version would change, and for a version already issued with other content."""
    problems = check_issued(loaded, lambda: renderer)
    if problems:
        raise SourceError(problems)
    job, lines = _render(loaded, document, None, renderer)
    stamp = document_stamp(job)
    record = IssuedRecord(document=job.instance.name, version=stamp.version, date=stamp.date,
                          digest=digest(lines), generator=generator)
    records, source = read_issued(loaded.folder)
    path = loaded.folder / ISSUED_FILE
    for index, earlier in enumerate(records):
        if (earlier.document, earlier.version) != (record.document, record.version):
            continue
        if (earlier.digest, earlier.date) == (record.digest, record.date):
            return Issued(earlier, path, new=False)
        raise GeneratorError(
            f"{record_location(source, loaded.folder, index)}: {_named(earlier)}; the "
            f"sources now render {record.version} dated {record.date} with other content, "
            f"and an issued version never changes (put back its date, {earlier.date}, or give "
            "the revised document a version of its own)")
    _record(loaded.folder, record, lines, records)
    return Issued(record, path, new=True)


def render_issued(loaded: Loaded, document: str, renderer: Renders) -> bytes:
    """The .docx of the last issued version of `document` (`interim redline --from issued`),
    refused when the sources no longer render what was issued."""
    records = [r for r in read_issued(loaded.folder)[0] if r.document == document]
    if not records:
        raise GeneratorError(f"{loaded.assignment.id}: {document} was never issued (record "
                             f"it with `interim issue {loaded.assignment.id} {document}`)")
    record = records[-1]
    job = named_job(loaded, document, as_of=record.date)
    data = renderer.docx(job)
    if digest(text_of(data, renderer, loaded.assignment.language)) != record.digest:
        raise GeneratorError(f"{_named(record)} is no longer what the sources render as of "
                             f"{record.date}; `interim validate {loaded.assignment.id}` says "
                             "where they changed")
    return data


def _render(loaded: Loaded, document: str, day: datetime.date | None, renderer: Renders
            ) -> tuple[Job, list[str]]:
    job = named_job(loaded, document, as_of=day)
    text = text_of(renderer.docx(job, pictures=False), renderer, loaded.assignment.language)
    return job, text  # text: no pictures


def text_of(docx: bytes, renderer: Renders, language: str) -> list[str]:
    """The canonical text of a document the renderer made, its firm's details as keys."""
    return canonical_text(docx, firm_values(renderer.firm, language))


def firm_values(firm: Firm, language: str) -> dict[str, str]:
    """The texts firm.yaml prints, by key (`firm.address`); three characters or more, so a
    short one never stands for words of the assignment."""
    firm = firm.for_language(language)  # the name and role the document printed
    values = {key: getattr(firm, key) for key in _FIRM_KEYS}
    if firm.signatory:
        values |= {"signatory.name": firm.signatory.name, "signatory.role": firm.signatory.role}
    return {f"firm.{key}": normal(value) for key, value in values.items()
            if value and len(normal(value)) >= 3}


def _named(record: IssuedRecord) -> str:
    return f"{record.document} {record.version} issued on {record.date}"


def _hint(record: IssuedRecord, amends: str = "", *, history: bool = False) -> str:
    """How to go on: put back what was issued; a new fact of the plan is a dated change
    (not so for `history`, what happened: a report, a change, the closing, as recorded)."""
    if history:
        return "an issued document never changes: put back what it was issued with"
    example = f"`amends: {{{amends}: ...}}`" if amends else "`amends`, `adds` or `drops`"
    return (f"an issued document never changes: put back what it was issued with, and record "
            f"a new fact as a dated change after {record.date}: `execution.changes[]` with "
            f"{example}")


def _refusal(loaded: Loaded, record: IssuedRecord, where: Location, lines: list[str],
             renderer: Renders) -> Diagnostic:
    """The refusal of one issued version whose text changed: the paragraph, the keys."""
    issued = _issued_text(loaded.folder, record)
    if issued is None:
        return Diagnostic(where, f"{_named(record)} would now read differently (its text as "
                          f"issued, {text_name(record.document, record.version)}, is missing "
                          "or was edited, so the paragraph cannot be named)", _hint(record))
    difference = first_difference(issued, lines)
    start = difference.changed()[0]
    message = (f"the {_named(record)} would change: its paragraph {difference.number} read "
               f"«{excerpt(difference.before, start) or '(nothing)'}», now "
               f"«{excerpt(difference.after, start) or '(nothing)'}»")
    source = load_yaml(loaded.folder / ASSIGNMENT_FILE, Report(), include_root=loaded.folder)
    wording = renderer.wording(loaded.assignment.language)
    keys = source_keys(source, difference, _date_forms(wording)) if source else []
    if not keys:
        return Diagnostic(where, message + _no_key(record), _hint(record))
    first, *more = keys[:3]
    also = "".join(f"; also {key.location} {dotted(key.path)}" for key in more)
    history = first.path[0] in _HISTORY
    return Diagnostic(first.location, f"{dotted(first.path)} prints where {message} "
                      f"(recorded at {where}{also})",
                      _hint(record, _amends_path(source.data, first) if source else "",
                            history=history))


def _no_key(record: IssuedRecord) -> str:
    """When no source value holds the words: the generator's wording, most likely."""
    from generator.source.scaffold import generator_version

    try:
        now = generator_version()
    except GeneratorError:
        now = ""
    if record.generator and now and record.generator != now:
        return (f"; no value of the sources holds these words: issued with interim "
                f"{record.generator}, this is {now}; if its wording changed, build with "
                f"{record.generator} (requirements.txt pins it)")
    return "; no value of the sources holds these words"


def _date_forms(wording: Wording) -> Callable[[datetime.date], list[str]]:
    return lambda day: [wording.fmt.date(day, form) for form in ("long", "medium", "short")]


def _amends_path(data: Any, key: SourceKey) -> str:
    """The key as a change's `amends` names it: `objectives.D1.target`, `milestones.M2.title`,
    `terms.day_rate` (the section left out, a list's item named by its id or date); "" for
    a text that is no fact of the plan (a summary, a finding), where no path would do."""
    parts: list[str] = []
    node, named = data, False
    for part in key.path:
        item = node[part] if isinstance(node, dict | list) else None
        if isinstance(part, int):
            name = item.get("id") or item.get("date") if isinstance(item, dict) else None
            named = named or name is not None
            parts.append(str(name if name is not None else part))
        elif not (not parts and part in _SECTIONS):
            parts.append(str(part))
        node = item
    fact = named or key.path[:2] in _FACTS or key.path[:1] in _FACTS
    return ".".join(parts) if fact and len(parts) > 1 else ""


def _issued_text(folder: Path, record: IssuedRecord) -> list[str] | None:
    """The record's text as issued, when it is there and matches the record's digest."""
    try:
        _, data = read_inside(folder, text_name(record.document, record.version),
                              what="issued text", folder="the assignment folder")
    except (FileRefused, GeneratorError):
        return None
    lines = data.decode("utf-8", "replace").splitlines()
    return lines if digest(lines) == record.digest else None


def _record(folder: Path, record: IssuedRecord, lines: list[str],
            records: list[IssuedRecord]) -> None:
    """Keep the text, then append the record to `issued.yaml`, every earlier byte kept; the
    file is read back, and restored if the record did not read as written."""
    path = folder / ISSUED_FILE
    old = path.read_bytes() if path.exists() else b""
    text = old.decode("utf-8") if old else HEADER
    block = (f"  - document: {record.document}\n    version: {json.dumps(record.version)}\n"
             f"    date: {record.date.isoformat()}\n    digest: {record.digest}\n"
             + (f"    generator: {json.dumps(record.generator)}\n" if record.generator else ""))
    target = folder / text_name(record.document, record.version)
    if target.parent.is_symlink() or path.is_symlink():
        raise GeneratorError(f"{target.parent if target.parent.is_symlink() else path} is a "
                             "link: `interim issue` writes only inside the assignment folder "
                             "(make it an ordinary folder or file)")
    try:
        target.parent.mkdir(exist_ok=True)
        write_atomic(target, ("\n".join(lines) + "\n").encode("utf-8"))
        write_atomic(path, (text + ("" if text.endswith("\n") else "\n") + block).encode())
    except OSError as exc:
        raise GeneratorError(f"cannot record the issue in {folder}: "
                             f"{exc.strerror or exc}") from exc
    try:
        readable = read_issued(folder)[0] == [*records, record]
    except SourceError:
        readable = False
    if not readable:
        write_atomic(path, old) if old else path.unlink()
        raise GeneratorError(f"{path}: not in the form `interim issue` writes (a list under "
                             "`issued:`, one record per issue); nothing was recorded")
