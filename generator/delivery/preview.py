"""The preview page of `interim watch`: a small web server on 127.0.0.1 only.

It shows the pages of the documents being watched as pictures (PNG, drawn from their
PDF) and reloads by itself when a rebuild lands: the page listens to server-sent
events (`/events`), and on each one fetches `/state` (the documents, their page
pictures and each page's text, and the last error) and redraws. A build that fails
keeps the last good pages, with the error in a banner above them.

Why this shape: the standard library's threading HTTP server is all a single reader
needs; no JavaScript comes from elsewhere (the page's script is inline), so the preview
works offline and loads nothing a firm has not vetted. It listens on the loopback
interface alone and answers only requests addressed to it by that name (a DNS
rebinding page in the writer's browser cannot read it); page pictures are served only
from the session's own folder, by names this module made.
"""

from __future__ import annotations

import html
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
KEEP_ALIVE_SECONDS = 15.0
_PICTURE = re.compile(r"^/pages/(\d+)/([a-z0-9-]+-\d+\.png)$")


@dataclass
class Page:
    """One page: its picture's file (under the preview folder) and its text."""

    picture: str
    text: str


@dataclass
class Shown:
    """What the preview shows: documents' pages (the last good ones) and the last error."""

    documents: dict[str, list[Page]] = field(default_factory=dict)
    error: str = ""
    version: int = 0


class PreviewState:
    """What the server serves, changed by the watch loop; thread-safe."""

    def __init__(self, folder: Path, title: str):
        self.folder = folder
        self.title = title
        self._shown = Shown()
        self._changed = threading.Condition()

    def publish(self, documents: dict[str, list[Page]], error: str = "") -> None:
        """New pages for `documents` (others keep theirs), and the error (or none)."""
        with self._changed:
            self._shown.documents = {**self._shown.documents, **documents}
            self._shown.error = error
            self._shown.version += 1
            self._changed.notify_all()

    def fail(self, error: str) -> None:
        """A build failed: the pages stay, the error shows above them."""
        self.publish({}, error)

    def snapshot(self) -> dict[str, Any]:
        with self._changed:
            shown = self._shown
            return {
                "version": shown.version, "title": self.title, "error": shown.error,
                "documents": [{"name": name, "pages": [
                    {"src": f"/pages/{page.picture}", "text": page.text} for page in pages]}
                    for name, pages in shown.documents.items()],
            }

    def versions(self, stop: threading.Event) -> Iterator[int | None]:
        """Each new version as it comes; None every KEEP_ALIVE_SECONDS without one."""
        seen = -1
        while not stop.is_set():
            with self._changed:
                if self._shown.version == seen:
                    self._changed.wait(KEEP_ALIVE_SECONDS)
                current = self._shown.version
            if current != seen:
                seen = current
                yield current
            else:
                yield None

    def wake(self) -> None:
        """Let every waiting event stream look at `stop` (the server is shutting down)."""
        with self._changed:
            self._changed.notify_all()


class PreviewServer:
    """The HTTP server in a background thread; `port` 0 takes a free one."""

    def __init__(self, state: PreviewState, port: int = 0):
        self.state = state
        self.stop = threading.Event()
        handler = type("Handler", (_Handler,), {"preview": self})
        self._server = ThreadingHTTPServer((HOST, port), handler)
        self._server.daemon_threads = True
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name="interim-preview", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def __enter__(self) -> PreviewServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.stop.set()
        self.state.wake()
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()


class _Handler(BaseHTTPRequestHandler):
    preview: PreviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the terminal is for build results."""

    def do_GET(self) -> None:
        if not self._addressed_to_us():
            self._send(HTTPStatus.FORBIDDEN, b"not addressed to this preview", "text/plain")
            return
        path = self.path.split("?", 1)[0]
        state = self.preview.state
        if path == "/":
            self._send(HTTPStatus.OK, _page(state.title).encode(), "text/html; charset=utf-8")
        elif path == "/state":
            self._send(HTTPStatus.OK, json.dumps(state.snapshot()).encode(),
                       "application/json")
        elif path == "/events":
            self._events()
        elif found := _PICTURE.match(path):
            picture = state.folder / found.group(1) / found.group(2)
            try:
                data = picture.read_bytes()
            except OSError:
                self._send(HTTPStatus.NOT_FOUND, b"no such page (any more)", "text/plain")
                return
            self._send(HTTPStatus.OK, data, "image/png", cache=True)
        else:
            self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain")

    def _addressed_to_us(self) -> bool:
        host = self.headers.get("Host", "")
        return host in {f"{HOST}:{self.preview.port}", f"localhost:{self.preview.port}"}

    def _send(self, status: HTTPStatus, body: bytes, kind: str, *, cache: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        # A picture's name changes with every build, so it may be kept; nothing else may.
        self.send_header("Cache-Control", "max-age=3600, immutable" if cache else "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        """Server-sent events: the version, each time a build lands."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            for version in self.preview.state.versions(self.preview.stop):
                line = f"data: {version}\n\n" if version is not None else ": still here\n\n"
                self.wfile.write(line.encode())
                self.wfile.flush()
        except OSError:  # the browser went away
            pass


def _page(title: str) -> str:
    return _PAGE.replace("{title}", html.escape(title))


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · interim watch</title>
<style>
 body { margin: 0; background: #e8e8e8; font: 14px system-ui, sans-serif; color: #222; }
 header { position: sticky; top: 0; background: #fff; padding: 8px 16px;
          border-bottom: 1px solid #ccc; z-index: 1; }
 #banner { display: none; background: #fde8e8; color: #8a1010; border-bottom: 2px solid #c33;
           padding: 8px 16px; white-space: pre-wrap; font: 13px ui-monospace, monospace; }
 #banner.shown { display: block; }
 section { padding: 8px 16px; }
 h2 { font-size: 15px; margin: 12px 0 6px; }
 .pages { display: flex; flex-wrap: wrap; gap: 12px; }
 .pages img { background: #fff; box-shadow: 0 1px 4px rgba(0,0,0,.3); max-width: 100%; }
 #status { color: #666; margin-left: 8px; }
</style></head>
<body>
<header><strong>{title}</strong><span id="status">waiting for the first build…</span></header>
<div id="banner" role="alert"></div>
<main id="documents"></main>
<script>
"use strict";
const banner = document.getElementById("banner");
const main = document.getElementById("documents");
const status = document.getElementById("status");
let shown = -1;
async function refresh() {
  const response = await fetch("/state", {cache: "no-store"});
  const state = await response.json();
  if (state.version === shown) return;
  shown = state.version;
  banner.textContent = state.error;
  banner.classList.toggle("shown", state.error !== "");
  const sections = state.documents.map(doc => {
    const section = document.createElement("section");
    section.dataset.document = doc.name;
    const heading = document.createElement("h2");
    heading.textContent = doc.name;
    const pages = document.createElement("div");
    pages.className = "pages";
    doc.pages.forEach((page, i) => {
      const img = document.createElement("img");
      img.src = page.src;
      img.alt = page.text;
      img.title = doc.name + ", page " + (i + 1);
      img.className = "page";
      pages.appendChild(img);
    });
    section.append(heading, pages);
    return section;
  });
  main.replaceChildren(...sections);
  document.body.dataset.version = String(state.version);
  status.textContent = "build " + state.version + (state.error ? " failed" : "");
}
const events = new EventSource("/events");
events.onmessage = () => refresh().catch(() => {});
events.onerror = () => { status.textContent = "watch stopped or reconnecting…"; };
refresh().catch(() => {});
</script>
</body></html>
"""
