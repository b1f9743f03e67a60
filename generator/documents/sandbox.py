"""The template sandbox: Jinja's, with a work budget and size caps instead of a clock.

A firm may bring its own templates, so a template is untrusted code. Jinja's sandbox
stops it reaching Python, but not from working forever or filling memory: each `range`
is capped, their product is not (two nested loops of 99,999), an integer squared in a
loop doubles its digits each time, and `"a".center(1500000000)` takes 1.5 GB in one call.
A timeout would make the same document build on a fast machine and fail on a slow one;
a budget counts the work itself, so the outcome depends on the template alone:

- Operations: every loop iteration, call, filter and growing operator (`+`, `*`, `~`,
  `%`) costs one, plus one per `CHUNK` characters or items it makes. A rendering that
  spends more than its budget stops with a located error naming the budget.
- Sizes: no value a template makes may weigh more than `MAX_VALUE` (its printed size:
  a list of a million references to one long text weighs a million texts). Operations
  that multiply their input (widths, repetitions, joins, replacements, format widths)
  are refused from their arguments, before the value exists; the rest are checked after.
- Methods of text: only those whose result is bounded by their input or by the checks
  here (`center`, `replace`, `format`...); `translate` or `expandtabs` are refused.

Loops are counted by compiling each `{% for %}` over a counting wrapper (`_parse`), so
the compiled form differs from plain Jinja's: `CODE_VERSION` keys the bytecode cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path
from typing import Any

from jinja2 import nodes, pass_context
from jinja2.filters import make_attrgetter
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

OPERATION_BUDGET = 2_000_000
"""Operations one document's renderings may spend. The reference documents spend at most
3,000, a handbook of 2,000 milestones and 2,000 actions 120,000; a runaway template
spends this in a few seconds."""
MAX_VALUE = 20 * 1024 * 1024
"""The most any one value a template makes may weigh (see `weight`): 20 million characters,
or some 300,000 items; a document's whole Markdown is capped at this too."""
ITEM_WEIGHT = 64
"""What an item of a list, tuple or mapping weighs, in characters: weighing, copying or
sorting an item costs about what handling 64 characters of text does."""
MAX_REPEAT = 1_000_000
"""Longest string or list a template may build with `*` (`"x" * n`)."""
MAX_INT_BITS = 4096
"""Integers a template multiplies stay below 2**4096 (a thousand digits and more)."""
CHUNK = 64
"""Weight read or made that costs one operation on top of the operation itself: an item
of a list (sorted, made unique: Jinja's filters handle each in Python), or 64 characters,
cost about what a loop iteration does."""
CODE_VERSION = hashlib.sha1(Path(__file__).read_bytes(), usedforsecurity=False).hexdigest()
"""Keys the bytecode cache: any change of this module (of how `_Budgeted` compiles) makes
the templates compile again."""
LOOP_FILTER = "interim_counted"
CONCAT_FILTER = "interim_concat"
CHARGE_FILTER = "interim_charge"

LINEAR_STR_METHODS = frozenset({
    "capitalize", "casefold", "count", "endswith", "find", "index", "isalnum", "isalpha",
    "isascii", "isdecimal", "isdigit", "isidentifier", "islower", "isnumeric", "isprintable",
    "isspace", "istitle", "isupper", "lower", "lstrip", "partition", "removeprefix",
    "removesuffix", "rfind", "rindex", "rpartition", "rsplit", "rstrip", "split",
    "splitlines", "startswith", "strip", "swapcase", "title", "upper",
})
"""Methods of text whose result is no larger than about twice their input."""


class BudgetSpent(OverflowError):
    """A rendering spent its operation budget or made a value over the size cap."""


@dataclass
class Budget:
    """The operations one rendering may still spend."""

    limit: int = field(default_factory=lambda: OPERATION_BUDGET)
    used: int = 0

    def charge(self, operations: int) -> None:
        self.used += operations
        if self.used > self.limit:
            raise BudgetSpent(
                f"the template used up its budget of {self.limit:,} operations (loop "
                f"iterations, calls and filters, and one per {CHUNK} characters they handle): "
                "a loop inside a loop, or a value that keeps growing? Loop over the "
                "assignment's own lists, not over large ranges")


_CURRENT: ContextVar[Budget | None] = ContextVar("interim_template_budget", default=None)


@contextlib.contextmanager
def spending(budget: Budget) -> Iterator[Budget]:
    """Charge the template work done inside to `budget`."""
    token = _CURRENT.set(budget)
    try:
        yield budget
    finally:
        _CURRENT.reset(token)


def charge(operations: int = 1) -> None:
    budget = _CURRENT.get()
    if budget is not None:
        budget.charge(operations)


_TEXT = (str, bytes)
_HOLDERS = (list, tuple, set, frozenset, dict)


def weight(value: Any, cap: int = MAX_VALUE) -> int:
    """A value's size as the budget sees it: a text's characters; a container's items at
    ITEM_WEIGHT each, with what they hold (a list of a million references to one long
    text weighs a million texts). Counting stops past `cap`, so a cycle cannot loop it."""
    if isinstance(value, _TEXT):
        return len(value)
    if not isinstance(value, _HOLDERS):
        return 1
    total, stack = 0, [value]
    while stack and total <= cap:
        item = stack.pop()
        total += ITEM_WEIGHT * len(item)
        for inner in (item.keys(), item.values()) if isinstance(item, dict) else (item,):
            kinds = set(map(type, inner))  # at C speed: most lists hold one kind
            if all(issubclass(k, _TEXT) for k in kinds):
                total += sum(map(len, inner))
            elif any(issubclass(k, _TEXT + _HOLDERS) for k in kinds):
                total += sum(len(x) for x in inner if isinstance(x, _TEXT))
                stack += [x for x in inner if isinstance(x, _HOLDERS)]
    return total


def made(value: Any, given: int = 0) -> Any:
    """Charge an operation that read `given` characters or items and made `value`,
    refusing the value over the size cap."""
    size = weight(value)
    if size > MAX_VALUE:
        raise BudgetSpent(f"the template makes a value of more than {MAX_VALUE // 2**20} "
                          f"million characters (a list item counts {ITEM_WEIGHT})")
    charge(1 + (given + size) // CHUNK)
    return value


def weighed(values: Iterable[Any]) -> int:
    """The total weight of an operation's inputs, each refused over the cap."""
    total = 0
    for value in values:
        size = weight(value)
        will_make(size)
        total += size
    return total


def will_make(size: int) -> None:
    """Refuse an operation whose result would be over the cap, before making it."""
    if size > MAX_VALUE:
        raise BudgetSpent(f"the template would make a value of {size:,} characters (a "
                          f"list item counts {ITEM_WEIGHT}); the limit is "
                          f"{MAX_VALUE // 2**20} million")


def _int(value: Any, default: int = 0) -> int:
    return value if isinstance(value, int) else default


def _replaced(text: str, old: Any, new: Any = "", *rest: Any) -> int:
    old, new = str(old), str(new)
    count = text.count(old) if old else len(text) + 1
    if rest and isinstance(rest[0], int) and rest[0] >= 0:
        count = min(count, rest[0])
    return len(text) + count * max(0, len(new) - len(old))


def _joined(separator: str, items: list[Any],
            get: Callable[[Any], Any] = lambda x: x) -> int:
    return sum(weight(get(x)) for x in items) + len(separator) * max(0, len(items) - 1)


_NUMBERS = re.compile(r"\d+")


def _formatted(template: Any, *args: Any, **kwargs: Any) -> int:
    """An upper bound of a format's result: the text, each width or precision written in
    it (every number counts), and its arguments (a `*` width is one of them)."""
    widths = sum(int(n) if len(n) < 12 else MAX_VALUE + 1 for n in _NUMBERS.findall(str(template)))
    values = [*args, *kwargs.values()]
    return len(str(template)) + widths + sum(weight(v) + abs(_int(v)) for v in values)


_STR_SIZES: dict[str, Callable[..., int]] = {
    "center": lambda s, width=0, *_: max(len(s), _int(width)),
    "ljust": lambda s, width=0, *_: max(len(s), _int(width)),
    "rjust": lambda s, width=0, *_: max(len(s), _int(width)),
    "zfill": lambda s, width=0: max(len(s), _int(width)),
    "replace": _replaced,
    "join": lambda s, items=(): _joined(s, list(items)),
    "format": lambda s, *args, **kwargs: _formatted(s, *args, **kwargs),
    "format_map": lambda s, mapping=None: _formatted(s, *(mapping or {}).values()),
}
"""The result size of each method of text that can make more than it is given."""


def _indented(text: Any, width: Any = 4, *_: Any, **__: Any) -> int:
    prefix = _int(width) if isinstance(width, int) else len(str(width))
    return weight(str(text)) + (str(text).count("\n") + 1) * prefix


def _wrapped(text: Any, width: Any = 79, break_long: Any = True, wrapstring: Any = None,
             *_: Any, **kwargs: Any) -> int:
    wrap = kwargs.get("wrapstring", wrapstring) or "\n"
    return len(str(text)) * (1 + len(str(wrap)))


_FILTER_SIZES: dict[str, Callable[..., int]] = {
    "center": lambda value, width=80: max(len(str(value)), _int(width)),
    "indent": _indented,
    "wordwrap": _wrapped,
    "replace": lambda value, old, new="", count=None: _replaced(str(value), old, new, count),
    "format": _formatted,
    "batch": lambda value, linecount, *_: weight(value) + abs(_int(linecount)),
    "slice": lambda value, slices, *_: weight(value) + abs(_int(slices)),
    "truncate": lambda value, length=255, *_, **__: min(len(str(value)), abs(_int(length))),
}
"""The result size of each Jinja filter that can make more than it is given (join: below)."""


def _guarded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """A built-in filter that refuses an oversized result before making it and charges
    what it made; a filter taking the environment or context keeps taking it."""
    size = _FILTER_SIZES.get(name)
    passes = getattr(function, "jinja_pass_arg", None)

    @wraps(function)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        given = list(args[1:] if passes is not None else args)
        read = weighed([*given, *kwargs.values()])
        if name == "join" and given:
            items = given[0] = list(given[0])
            separator = kwargs.get("d", given[1] if len(given) > 1 else "")
            attribute = kwargs.get("attribute", given[2] if len(given) > 2 else None)
            if attribute is None:
                will_make(_joined(str(separator), items))
            else:
                will_make(_joined(str(separator), items,
                                  make_attrgetter(args[0].environment, attribute)))
        elif size is not None and given:
            will_make(size(*given, **kwargs))
        lead = list(args[:1]) if passes is not None else []
        return made(function(*lead, *given, **kwargs), read)

    return guarded


def _counted(items: Any) -> Any:
    """A loop's items, one operation each as the loop takes them; `len` still works."""
    return _Counted(items)


class _Counted:
    __slots__ = ("_items",)

    def __init__(self, items: Any):
        self._items = items

    def __len__(self) -> int:
        return len(self._items)  # TypeError when it has none: LoopContext counts itself

    def __iter__(self) -> Iterator[Any]:
        budget = _CURRENT.get()
        for item in self._items:
            if budget is not None:
                budget.charge(1)
            yield item


def _concat(parts: list[Any]) -> str:
    """`a ~ b`: the text of each part, refused before joining when the whole is too long."""
    will_make(weighed(parts))
    texts = [str(p) for p in parts]
    return made("".join(texts), sum(map(len, texts)))


class _Budgeted(NodeTransformer):
    """Compiled with the budget's counting: every `{% for %}` takes its items through
    `_counted` (one operation each, the ones its `if` skips too), and every body that can
    run many times (a loop's, a macro's, a block's, a `{% call %}`'s, a template's, which
    an include in a loop runs again) first charges its size in nodes: an iteration costs
    what its body holds, however large. `~` goes through `_concat`, which weighs it."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = nodes.Filter(node.iter, LOOP_FILTER, [], [], None, None,
                                 lineno=node.iter.lineno)
        return _charging(node)

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return nodes.Filter(nodes.List(node.nodes, lineno=node.lineno), CONCAT_FILTER, [], [],
                            None, None, lineno=node.lineno)

    def visit_Macro(self, node: nodes.Macro) -> nodes.Node:
        return _charging(self.generic_visit(node))

    visit_CallBlock = visit_Block = visit_Template = visit_Macro


def _charging(node: Any) -> Any:
    """`node` whose body first charges the body's size (its nodes, nested ones included)."""
    size = sum(1 + sum(1 for _ in statement.find_all(nodes.Node)) for statement in node.body)
    cost = nodes.Filter(nodes.Const(None), CHARGE_FILTER, [nodes.Const(size)], [], None, None,
                        lineno=node.lineno)
    node.body.insert(0, nodes.ExprStmt(cost, lineno=node.lineno))
    return node


@pass_context  # never folded into a constant (and charged once) at compile time
def _charge(context: Any, value: Any, operations: int) -> Any:
    charge(operations)
    return value


class LimitedEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox with a work budget and size caps: every limit ends in a template error
    (see the module's docstring), never in an exhausted machine."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options: Any):
        super().__init__(**options)
        self.filters = {name: _guarded_filter(name, f) for name, f in self.filters.items()}
        self.filters.update({LOOP_FILTER: _counted, CONCAT_FILTER: _concat,
                             CHARGE_FILTER: _charge})
        self.globals["lipsum"] = _lipsum(self.globals["lipsum"])

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        return _Budgeted().visit(super()._parse(source, name, filename))

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str) and callable(value) and attr not in LINEAR_STR_METHODS \
                and attr not in _STR_SIZES:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        read = weighed((left, right))
        if operator == "**" and isinstance(right, int) and abs(right) > 64:
            raise OverflowError(f"the power {right} is too large for a template")
        if operator in ("*", "**") and isinstance(left, int) and isinstance(right, int):
            bits = left.bit_length() * (right if operator == "**" else 1) \
                + (right.bit_length() if operator == "*" else 0)
            if bits > MAX_INT_BITS:
                raise OverflowError(f"the number would have about {bits:,} bits; a template "
                                    f"multiplies numbers up to {MAX_INT_BITS} bits")
        if operator == "*" and _repeats(left, right) > MAX_REPEAT:
            raise OverflowError("the repetition is too long for a template")
        if operator == "*":
            will_make(_repeated(left, right))
        if operator == "+" and not isinstance(left, int | float):
            will_make(weight(left) + weight(right))
        if operator == "%" and isinstance(left, str):
            will_make(_formatted(left, *(right if isinstance(right, tuple) else (right,))))
        return made(super().call_binop(context, operator, left, right), read)

    def call(__self, __context: Any, __obj: Any, *args: Any,
             **kwargs: Any) -> Any:
        """Every call from a template: charged, its arguments weighed, a text method that
        could make more than it is given refused from its arguments first."""
        given = {k: v for k, v in kwargs.items() if k not in ("_loop_vars", "_block_vars")}
        method = getattr(__obj, "__wrapped__", __obj)  # the sandbox wraps str.format
        owner, name = getattr(method, "__self__", None), getattr(method, "__name__", "")
        read = weighed([*args, *given.values(),
                        *([owner] if isinstance(owner, str | list | tuple | dict) else [])])
        if isinstance(owner, str) and name in _STR_SIZES:
            if name == "join" and args:
                args = (list(args[0]), *args[1:])  # counted, then joined: taken once
            will_make(_STR_SIZES[name](owner, *args, **given))
        if isinstance(__obj, LoopContext) and args:  # a recursive loop's next level
            args = (_counted(args[0]), *args[1:])
        return made(super().call(__context, __obj, *args, **kwargs), read)


def _repeats(left: Any, right: Any) -> int:
    for seq, count in ((left, right), (right, left)):
        if isinstance(seq, str | list | tuple) and isinstance(count, int):
            return len(seq) * count
    return 0


def _repeated(left: Any, right: Any) -> int:
    """The weight of `seq * n`: a list of one long text repeated weighs every copy."""
    for seq, count in ((left, right), (right, left)):
        if isinstance(seq, str | list | tuple) and isinstance(count, int):
            return weight(seq) * count
    return 0


def _lipsum(original: Callable[..., str]) -> Callable[..., str]:
    """Jinja's `lipsum(n, html, min, max)`, refused when it would write too much."""
    def lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
        will_make(abs(_int(n)) * abs(_int(max)) * 16)
        return made(original(n, html, min, max))

    return lipsum
