"""Templating: sandboxed Jinja that writes Markdown, with user text kept literal.

Every `{{ value }}` passes `finalize`, which decides by the value's type how it
may enter Markdown (see generator.source.model): plain text is backslash-escaped so it
can never become Markdown, Word structure or a directive; inline Markdown keeps
its emphasis and links but loses block syntax; block Markdown passes whole.
Strings our own filters build are `Md` and pass as they are.

Fixed text lives in `templates/<language>/terms.yaml` (firm-overridable), the
Markdown structure in `templates/shared/`; a `templates/<language>/X` overrides
the shared `X`, and a firm's own templates folder overrides both.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
)
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment

from generator.bundled import template_root
from generator.documents.formats import LOCALES, Formatter
from generator.documents.sandbox import (
    Budget,
    BudgetSpent,
    LimitedEnvironment,
    spending,
    weight,
    will_make,
)
from generator.documents.template_cache import OwnedBytecodeCache
from generator.documents.typography import aside, typographic, typographic_markdown
from generator.errors import GeneratorError, display_path
from generator.source.files import MAX_TEMPLATE_BYTES, FileRefused, read_inside
from generator.source.model import BlockMarkdown, InlineMarkdown
from generator.source.reading import SAFE_LOADER

MAX_OUTPUT_CHARS = 20 * 1024 * 1024
"""A document's Markdown is a few hundred KB; a template writing more is looping away."""
TEMPLATES_DIR = template_root()

# CommonMark lets a backslash escape any ASCII punctuation; these are the ones
# that start or end Markdown, directive or attribute syntax.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:&^=\"'$])")
# What would open a block at the start of a line: heading, quote, list item, fence,
# thematic break, directive, table row.
_BLOCK_START = re.compile(
    r"^(\s*)(#{1,6}(?=\s|$)|>|[-+*](?=\s|$)|\d{1,9}[.)](?=\s|$)|`{3,}|~{3,}|:::|\||"
    r"[-*_](?=(?:\s*[-*_]){2,}\s*$))"
)


class Md(str):
    """A string that is already Markdown (built by our filters or terms): passes unescaped."""


class TemplatingError(GeneratorError):
    """A template could not be found, parsed or rendered."""


_BREAKING_SPACE = re.compile(r"[^\S\u00a0\u2007\u202f]+")
"""Whitespace that may break a line; no-break spaces ("29 januari 2027") are kept."""


def one_line(text: str) -> str:
    """Runs of whitespace as one space, on one line; no-break spaces stay."""
    return " ".join(_BREAKING_SPACE.split(str(text).strip()))


def escape(text: str) -> str:
    """Plain text as Markdown that reads as typed, on one line, with typographic
    apostrophes and quotes where they are unambiguous (generator.documents.typography)."""
    return Md(_SPECIAL.sub(r"\\\1", one_line(typographic(str(text)))))


def inline(text: str) -> str:
    """Inline Markdown kept (emphasis, links, code), block syntax and table pipes neutralised."""
    flat = typographic_markdown(one_line(text))
    flat = _BLOCK_START.sub(_neutralise, flat)
    flat = re.sub(r"(?<!\\)\|", r"\\|", flat)
    return Md(flat.replace("<", "\\<"))


def _neutralise(match: re.Match[str]) -> str:
    """Escape a block marker so it reads as typed: a backslash before `#` or `-`, and for
    a number before its `.` or `)` (a backslash before a digit is no escape in CommonMark)."""
    lead, marker = match.group(1), match.group(2)
    if marker[0].isdigit():
        return f"{lead}{marker[:-1]}\\{marker[-1]}"
    return f"{lead}\\{marker}"


def block(text: str) -> str:
    """Block Markdown, separated from what follows; raw HTML is off in the engine anyway."""
    return Md(typographic_markdown(str(text).strip("\n")) + "\n")


def finalize(value: Any) -> str:
    """How each `{{ value }}` enters the Markdown: by its type, never by its content."""
    if value is None:
        return ""
    if isinstance(value, Md):
        return value
    if isinstance(value, BlockMarkdown):
        return block(value)
    if isinstance(value, InlineMarkdown):
        return inline(value)
    if isinstance(value, bool):
        return escape("✓" if value else "–")
    will_make(weight(value))  # a list of a million references to one long text
    return escape(str(value))


def load_terms(language: str, search: Sequence[Path]) -> dict[str, Any]:
    """The fixed text of a language: the project's terms, then a firm's overrides on top."""
    terms: dict[str, Any] = {}
    for folder in reversed(search):
        path = folder / language / "terms.yaml"
        if os.path.lexists(path):  # a pipe or a bad link too: refused below, never skipped
            try:
                _, raw = read_inside(folder, f"{language}/terms.yaml", what="terms file",
                                     max_bytes=MAX_TEMPLATE_BYTES, folder="its templates folder")
                data = yaml.load(raw.decode("utf-8"), Loader=SAFE_LOADER) or {}
            except FileRefused as refused:
                raise TemplatingError(f"{display_path(path)}: {refused.message} "
                                      f"({refused.hint})") from None
            except (yaml.YAMLError, UnicodeDecodeError) as exc:
                mark = getattr(exc, "problem_mark", None)
                where = f"{display_path(path)}:{mark.line + 1}" if mark else display_path(path)
                problem = getattr(exc, "problem", None) or exc
                raise TemplatingError(f"{where}: the terms file cannot be read: {problem} "
                                      "(check its indentation, colons and quotes; UTF-8)") from None
            if not isinstance(data, dict):
                raise TemplatingError(f"{path}: expected a mapping of terms")
            _merge(terms, data)
    if not terms:
        raise TemplatingError(f"no terms.yaml for language {language!r} in "
                              + ", ".join(str(f) for f in search))
    return _typeset(terms)


def _typeset(terms: dict[str, Any]) -> dict[str, Any]:
    """Terms typed on a keyboard (a firm's own too) read typeset: "client's" -> "client’s"."""
    return {key: _typeset(value) if isinstance(value, dict)
            else typographic_markdown(value) if isinstance(value, str) else value
            for key, value in terms.items()}


def _merge(into: dict[str, Any], data: Mapping[str, Any]) -> None:
    for key, value in data.items():
        if isinstance(value, Mapping) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


class Phrasebook:
    """Fixed text, each entry trusted Markdown; a missing term is a template bug, said so."""

    def __init__(self, data: Mapping[str, Any], path: str = "") -> None:
        self._data = data
        self._path = path

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self[name]

    def __getitem__(self, name: str) -> Any:
        try:
            value = self._data[name]
        except KeyError:
            raise TemplatingError(f"no term {self._path + name!r} in terms.yaml") from None
        if isinstance(value, Mapping):
            return Phrasebook(value, f"{self._path}{name}.")
        return Md(value) if isinstance(value, str) else value

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if name in self._data else default

    def items(self) -> list[tuple[str, Any]]:
        return [(name, self[name]) for name in self._data]


class GuardedLoader(BaseLoader):
    """Templates of one folder, each read through the guarded opener (files.read_inside).

    A firm's templates folder may hold a symlink to any file; Jinja's own loader would
    follow it out of the folder, block on a FIFO or read a huge file whole.
    """

    def __init__(self, folder: Path):
        self.folder = folder

    def get_source(self, environment: Environment, template: str
                   ) -> tuple[str, str, Any]:
        name = "/".join(split_template_path(template))
        try:
            path, data = read_inside(self.folder, name, max_bytes=MAX_TEMPLATE_BYTES,
                                     what="template", folder="its templates folder")
        except FileRefused as refused:
            if refused.missing:
                raise TemplateNotFound(template) from None
            raise TemplatingError(f"{display_path(self.folder / name)}: {refused.message} "
                                  f"({refused.hint})") from None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise TemplatingError(f"{display_path(path)}: the template is not UTF-8 text "
                                  "(save it as UTF-8)") from None
        return text, str(path), lambda: True  # environments live for one run

    def list_templates(self) -> list[str]:
        found = []
        for folder, _, files in os.walk(self.folder):  # symlinked folders are not entered
            base = Path(folder).relative_to(self.folder)
            found += [(base / f).as_posix() for f in files]
        return sorted(found)


@dataclass(frozen=True)
class Wording:
    """A language's fixed text and formatting: what templates and pictures (the timeline)
    both print with, handed to each rather than taken back out of a Jinja environment."""

    language: str
    terms: Phrasebook
    fmt: Formatter

    def title(self, kind_id: str) -> str:
        """A document kind's title (`titles.<id>` in terms.yaml), as plain text."""
        return str(self.terms.titles[kind_id])


def _search(firm_templates: Path | None) -> list[Path]:
    """The templates folders, a firm's first: its templates and terms win."""
    return [p for p in (firm_templates, TEMPLATES_DIR) if p is not None]


def load_wording(language: str, firm_templates: Path | None = None) -> Wording:
    """The terms of a language (a firm's overrides on top) with its formatter."""
    return Wording(language, Phrasebook(load_terms(language, _search(firm_templates))),
                   Formatter(language))


def make_environment(language: str, firm_templates: Path | None = None,
                     wording: Wording | None = None) -> ImmutableSandboxedEnvironment:
    """One sandboxed environment per language: templates are parsed once and kept in memory.

    Compiled templates are cached on disk (compiling costs ~55 ms per language, a third
    of a build), but only in a folder and files the user owns alone: see OwnedBytecodeCache.
    """
    search = _search(firm_templates)
    wording = wording or load_wording(language, firm_templates)
    loaders: list[BaseLoader] = []
    for folder in search:
        loaders += [GuardedLoader(folder / language), GuardedLoader(folder / "shared")]
    env = LimitedEnvironment(
        loader=ChoiceLoader(loaders),
        bytecode_cache=OwnedBytecodeCache.for_user(),
        undefined=StrictUndefined,
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    fmt = wording.fmt
    env.globals.update(t=wording.terms, fmt=fmt, language=language)
    env.filters.update(
        date=fmt.date, money=fmt.money, amount=fmt.amount, country=fmt.country, number=fmt.number,
        percent=fmt.percent,
        escape_md=escape, inline=inline, fill=fill, label=label, span=span, strong=strong,
        aside=bracketed,
    )
    return env


def fill(term: str, **values: Any) -> Md:
    """A term with `{name}` holes, each value entering as `finalize` lets it."""
    try:
        return Md(str(term).format(**{k: finalize(v) for k, v in values.items()}))
    except (KeyError, IndexError, ValueError) as exc:
        holes = ", ".join("{" + k + "}" for k in values) or "none"
        raise TemplatingError(f"the term {str(term)[:60]!r} has a hole this place does not "
                              f"fill ({exc}); it may use: {holes}") from exc


def bracketed(text: Any, note: Any) -> Md:
    """`text (note)`, each entering as `finalize` lets it; never two bracket groups in a
    row (typography.aside)."""
    return Md(aside(finalize(text), finalize(note)))


def strong(text: str) -> Md:
    """Bold, whatever the text holds."""
    return Md(f"**{finalize(text)}**")


def label(value: str, labels: Phrasebook) -> Md:
    """An enum value (`on_track`) in words of the document language."""
    return Md(labels.get(value, escape(value)))


def span(text: str, css_class: str) -> Md:
    """Text in a named character style of the brand template (`[text]{.status-done}`)."""
    return Md(f"[{finalize(text)}]{{.{css_class}}}")


def preload(env: ImmutableSandboxedEnvironment) -> None:
    """Load every template now, so processes forked later share them parsed.

    A template that fails to load (bad syntax, not UTF-8, unreadable) is skipped: it
    fails again, with its file and line, in the document that renders it, and nowhere else.
    """
    for name in env.list_templates(extensions=["j2"]):
        with contextlib.suppress(Exception):
            env.get_template(name)


def check_templates(firm_templates: Path, language: str) -> list[str]:
    """What a firm's templates folder would fail a build with, found before any build:
    its terms files read and every template in it compiled (`interim validate`).

    Each problem is one message naming the file and line; an empty list when all is sound.
    """
    problems: list[str] = []
    try:
        env = make_environment(language, firm_templates)  # reads every language's terms
        for other in LOCALES.keys() - {language}:
            load_terms(other, _search(firm_templates))
    except TemplatingError as exc:
        return [str(exc)]
    for sub in [*sorted(LOCALES), "shared"]:
        loader = GuardedLoader(firm_templates / sub)
        if not loader.folder.is_dir():
            continue
        for name in loader.list_templates():
            try:
                source, filename, _ = loader.get_source(env, name)
                env.compile(source, name, filename)
            except TemplatingError as exc:
                problems.append(str(exc))
            except TemplateError as exc:
                line = getattr(exc, "lineno", 0) or 0
                problems.append(f"{display_path(loader.folder / name)}"
                                f"{f':{line}' if line else ''}: template error: {exc} "
                                "(correct the template at that line)")
    return problems


def render(env: ImmutableSandboxedEnvironment, template: str, context: Mapping[str, Any],
           budget: Budget | None = None) -> str:
    """Render a template to Markdown; every problem a template meets while it renders
    (a syntax error, a failing expression, a limit or its operation budget, see
    generator.documents.sandbox) is a TemplatingError naming the template and line.
    The output is collected piece by piece and capped. A document's renderings may
    share one `budget`."""
    try:
        with spending(budget or Budget()):
            return _bounded(env.get_template(template).generate(context))
    except GeneratorError:
        raise
    except Exception as exc:  # a firm's template is untrusted code
        where, line = _template_place(exc, template)
        if not line and not isinstance(exc, TemplateError | OverflowError | RecursionError):
            raise  # not raised by a template's code: a bug of ours, said as one
        if isinstance(exc, TemplateError):
            problem, hint = str(exc), "correct the template at that line"
        elif isinstance(exc, BudgetSpent):
            problem, hint = str(exc), "nothing was written for this document"
        else:
            problem = f"{type(exc).__name__}: {exc}"
            hint = ("correct the expression at that line, or the value it works on; "
                    "nothing was written for this document")
        raise TemplatingError(f"{where}{f':{line}' if line else ''}: template error: "
                              f"{problem} ({hint})") from None


class _TooLong(OverflowError):
    """The output cap, with the template place the output had reached."""

    def __init__(self, place: tuple[str, int] | None):
        super().__init__(f"the template writes more than {MAX_OUTPUT_CHARS // 2**20} "
                         "million characters")
        self.place = place


def _bounded(pieces: Any) -> str:
    out: list[str] = []
    size = 0
    for piece in pieces:
        size += len(piece)
        if size > MAX_OUTPUT_CHARS:
            raise _TooLong(_suspended_at(pieces))
        out.append(piece)
    return "".join(out)


def _suspended_at(generator: Any) -> tuple[str, int] | None:
    """The template file and line a (nested) render generator is paused at."""
    while getattr(generator, "gi_yieldfrom", None) is not None:
        generator = generator.gi_yieldfrom
    frame = getattr(generator, "gi_frame", None)
    template = frame.f_globals.get("__jinja_template__") if frame else None
    if template is None or not template.filename:
        return None
    return template.filename, template.get_corresponding_lineno(frame.f_lineno)


def _template_place(exc: BaseException, template: str) -> tuple[str, int]:
    """The template file and line of an error: syntax errors carry them, runtime errors
    (an undefined value) leave them in the traceback Jinja rewrites to template lines."""
    if getattr(exc, "place", None):
        where, line = exc.place  # type: ignore[attr-defined]
        return display_path(Path(where)), line
    where, line = template, 0
    if isinstance(exc, TemplateError):  # an OSError's `filename` is no template's
        where = getattr(exc, "filename", None) or template
        line = getattr(exc, "lineno", None) or 0
    trace = exc.__traceback__
    while trace is not None:
        filename = trace.tb_frame.f_code.co_filename
        if filename.endswith(".j2") or "__jinja_exception__" in trace.tb_frame.f_globals:
            where, line = display_path(Path(filename)), trace.tb_lineno
        trace = trace.tb_next
    return where, line
