"""The review as a person reads it: on the terminal, and as `reviews/<date>-<document>.md`."""

from __future__ import annotations

from generator.delivery.review.mapping import Item


def _quote(text: str) -> str:
    return "“" + text.replace("\n", " ").replace("\u00a0", " ") + "”"


def _what(item: Item) -> str:
    if item.kind == "comment":
        said = _quote(item.text)
        on = f" on {_quote(item.before)}" if item.before else ""
        return f"{said}{on}"
    if not item.before:
        return f"inserted {_quote(item.after)}"
    if not item.after:
        return f"deleted {_quote(item.before)}"
    return f"{_quote(item.before)} -> {_quote(item.after)}"


def terminal_lines(items: list[Item]) -> list[str]:
    """One line per item (its source places indented under it), applied ones marked."""
    lines = []
    for n, item in enumerate(items, 1):
        by = " ".join(x for x in (item.author, item.date) if x)
        state = "applied" if item.status == "applied" else f"open: {item.reason}"
        lines.append(f"{n}. {item.kind}{' by ' + by if by else ''}: {_what(item)} [{state}]")
        lines += [f"     at {source}" for source in item.sources]
        lines += [f"     reply {reply}" for reply in item.replies]
    return lines


def markdown(title: str, identified: str, items: list[Item], written: list[str]) -> str:
    """The file the firm keeps: what the client did, what was applied, what is open."""
    applied = [i for i in items if i.status == "applied"]
    open_ = [i for i in items if i.status != "applied"]
    out = [f"# Review of {title}", "", identified, ""]
    out += [f"{len(items)} items: {len(applied)} applied, {len(open_)} open.", ""]
    if written:
        out += ["Files changed: " + ", ".join(f"`{w}`" for w in written) + ".", ""]
    for heading, group in (("Applied", applied), ("Open", open_)):
        out += [f"## {heading}", ""]
        if not group:
            out += ["None.", ""]
        for item in group:
            by = ", ".join(x for x in (item.author, item.date) if x)
            out.append(f"- **{item.kind}**{' (' + by + ')' if by else ''}: {_what(item)}")
            if item.where:
                out.append(f"  - in {item.where}")
            out += [f"  - at `{source}`" for source in item.sources]
            out += [f"  - reply {reply}" for reply in item.replies]
            if item.status != "applied":
                out.append(f"  - why open: {item.reason}")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
