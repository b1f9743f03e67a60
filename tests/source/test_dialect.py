"""The Markdown dialect shared by the rules and the writer."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.source.dialect import (
    DIRECTIVE_NAMES,
    forbidden_character,
    is_url,
    make_parser,
    refused_scheme,
    resolve_inside,
)


@pytest.mark.parametrize(("href", "scheme"), [
    ("javascript:alert(1)", "javascript"), ("JaVaScRiPt:x", "javascript"),
    (" javascript:x", "javascript"), ("java%73cript:x", "javascript"),
    ("java\tscript:x", "javascript"), ("vbscript:msgbox", "vbscript"),
    ("data:text/html;base64,PHNjcmlwdD4=", "data"), ("file:///etc/passwd", "file"),
    ("https://example.com", None), ("mailto:a@example.com", None), ("#anchor", None),
    ("notes/plan.md", "a relative address"), ("tel:+3212345678", None),
])
def test_refused_schemes_are_judged_as_a_browser_would(href: str, scheme: str | None) -> None:
    assert refused_scheme(href) == scheme


@pytest.mark.parametrize(("href", "field"), [
    ("mailto:a@example.com?attach=/etc/passwd", "attach"),
    ("mailto:a@example.com?subject=Hallo&Attachment=%2Fetc%2Fpasswd", "attachment"),
    ("mailto:a@example.com?subject=x;attach=~/.ssh/id_rsa", "attach"),
    ("mailto:a@example.com?X-Mailer=x", "x-mailer"),
])
def test_a_mail_link_may_fill_in_only_addressees_subject_and_text(href: str, field: str
                                                                   ) -> None:
    assert refused_scheme(href) == f"mailto field {field!r}: a mail link may fill in only " \
        "to, cc, bcc, subject, body"


def test_a_mail_link_with_addressees_subject_and_text_passes() -> None:
    assert refused_scheme("mailto:a@example.com?cc=b@example.com&BCC=c@example.com"
                          "&subject=Plan%20M2&body=Zie%20bijlage") is None


def test_forbidden_characters_are_found_with_their_line() -> None:
    assert forbidden_character("fine\ttext\nand more\n") is None
    assert forbidden_character("one\ntwo \x07\n") == (2, "U+0007")
    assert forbidden_character("\ufffe") == (1, "U+FFFE")


@pytest.mark.parametrize(("target", "url"), [("https://x/y.png", True), ("//host/y.png", True),
                                             ("C:/y.png", True), ("pics/y.png", False)])
def test_pictures_given_as_addresses(target: str, url: bool) -> None:
    assert is_url(target) is url


def test_resolve_inside_follows_symlinks(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "root"
    root.mkdir()
    (root / "link").symlink_to(outside)
    assert resolve_inside(root, "a.png") == (root / "a.png").resolve()
    assert resolve_inside(root, "link/a.png") is None
    assert resolve_inside(root, "../outside/a.png") is None
    assert resolve_inside(root, str(outside / "a.png")) is None


def test_raw_html_is_text_and_every_link_reaches_the_renderer() -> None:
    tokens = make_parser().parse("<b>x</b> [a](javascript:alert(1))\n")
    children = tokens[1].children or []
    assert "html_inline" not in {c.type for c in children}
    assert any(c.type == "link_open" and c.attrs["href"] == "javascript:alert(1)"
               for c in children), "the parser must not drop the link silently"


def test_the_writer_handles_exactly_the_dialect_directives() -> None:
    from generator.writer.render import DIRECTIVES

    assert set(DIRECTIVES) == DIRECTIVE_NAMES
