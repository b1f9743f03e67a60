"""The preview server: loopback only, answers only to its own name, serves only its pages."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from pathlib import Path

import pytest

from generator.delivery.preview import HOST, Page, PreviewServer, PreviewState


def _get(port: int, path: str, host: str | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    connection.request("GET", path, headers={"Host": host or f"{HOST}:{port}"})
    answer = connection.getresponse()
    return answer.status, answer.read()


def _other_addresses() -> list[str]:
    """This machine's addresses other than loopback (a UDP 'connect' sends nothing)."""
    found = set()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere real
            found.add(probe.getsockname()[0])
        except OSError:
            pass
    return [a for a in found if not a.startswith("127.")]


@pytest.fixture
def server(tmp_path: Path):
    (tmp_path / "3").mkdir()
    (tmp_path / "3" / "handbook-1.png").write_bytes(b"\x89PNG page one")
    (tmp_path / "secret.txt").write_text("not for the browser")
    state = PreviewState(tmp_path, "dl-logistiek-2027")
    state.publish({"handbook": [Page("3/handbook-1.png", "Opdrachthandboek")]})
    with PreviewServer(state) as running:
        yield running


def test_listens_on_loopback_only(server: PreviewServer) -> None:
    assert server._server.server_address[0] == "127.0.0.1"
    assert server.url == f"http://127.0.0.1:{server.port}/"
    for address in _other_addresses():
        with pytest.raises(OSError), socket.create_connection((address, server.port), 2):
            pass
    status, body = _get(server.port, "/")
    assert status == 200 and b"<title>dl-logistiek-2027" in body
    assert b"<script src" not in body  # no JavaScript from elsewhere


def test_serves_state_and_pages_of_its_own_folder_only(server: PreviewServer) -> None:
    status, body = _get(server.port, "/state")
    state = json.loads(body)
    assert status == 200 and state["error"] == ""
    assert state["documents"] == [{"name": "handbook", "pages": [
        {"src": "/pages/3/handbook-1.png", "text": "Opdrachthandboek"}]}]
    assert _get(server.port, "/pages/3/handbook-1.png") == (200, b"\x89PNG page one")
    for path in ("/pages/3/../secret.txt", "/pages/../secret.txt", "/secret.txt",
                 "/pages/3/%2e%2e/secret.txt"):
        status, body = _get(server.port, path)
        assert status == 404 and b"not for the browser" not in body


def test_refuses_requests_addressed_to_another_name(server: PreviewServer) -> None:
    """A page of evil.example that rebinds its name to 127.0.0.1 cannot read the preview."""
    answer = _answer(server.port, "/state", host=f"evil.example:{server.port}")
    assert answer.status == 403 and answer.getheader("Content-Type") == "text/plain"


def test_a_failed_build_keeps_the_pages_under_its_error(server: PreviewServer) -> None:
    server.state.fail("assignment.yaml:87:5: invalid YAML")
    state = json.loads(_get(server.port, "/state")[1])
    assert state["error"] == "assignment.yaml:87:5: invalid YAML"
    assert state["documents"][0]["pages"][0]["text"] == "Opdrachthandboek"


def test_events_announce_each_new_build(server: PreviewServer) -> None:
    connection = http.client.HTTPConnection(HOST, server.port, timeout=10)
    connection.request("GET", "/events", headers={"Host": f"{HOST}:{server.port}"})
    stream = connection.getresponse()
    assert stream.getheader("Content-Type") == "text/event-stream"
    assert stream.readline() == b"data: 1\n"
    assert stream.readline() == b"\n"
    server.state.publish({}, "")
    assert stream.readline() == b"data: 2\n"
    connection.close()


def _answer(port: int, path: str, host: str | None = None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    connection.request("GET", path, headers={"Host": host or f"{HOST}:{port}"})
    answer = connection.getresponse()
    answer.read()
    return answer


@pytest.mark.parametrize(("path", "status", "kind", "kept"), [
    ("/", 200, "text/html; charset=utf-8", "no-store"),
    ("/state", 200, "application/json", "no-store"),
    ("/pages/3/handbook-1.png", 200, "image/png", "max-age=3600, immutable"),
    ("/pages/3/handbook-2.png", 404, "text/plain", "no-store"),
    ("/handbook", 404, "text/plain", "no-store"),
    ("/state?host=evil.example", 200, "application/json", "no-store"),
])
def test_only_a_page_picture_may_be_kept_by_the_browser(server, path, status, kind, kept):
    """A picture's name changes with every build; the state and the page must not be kept."""
    answer = _answer(server.port, path)
    assert (answer.status, answer.getheader("Content-Type")) == (status, kind)
    assert answer.getheader("Cache-Control") == kept
    assert answer.getheader("X-Content-Type-Options") == "nosniff"


def test_what_is_not_there_is_said_plainly(server):
    assert _get(server.port, "/pages/3/handbook-2.png") == (404, b"no such page (any more)")
    assert _get(server.port, "/pages/4/handbook-1.png") == (404, b"no such page (any more)")
    assert _get(server.port, "/pages/3/Handbook-1.png") == (404, b"not found")
    assert _get(server.port, "/pages/3/handbook-1.png.png") == (404, b"not found")
    assert _get(server.port, "/x/pages/3/handbook-1.png") == (404, b"not found")
    assert _get(server.port, "/pages/x/handbook-1.png") == (404, b"not found")
    assert _get(server.port, "/state", host="evil.example") == \
        (403, b"not addressed to this preview")


@pytest.mark.parametrize("host", ["localhost:{port}", "127.0.0.1:{port}"])
def test_answers_to_its_loopback_names_with_its_port(server, host):
    assert _get(server.port, "/state", host=host.format(port=server.port))[0] == 200


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "127.0.0.1:1", "localhost:1",
                                  "[::1]:{port}", ""])
def test_refuses_its_names_without_its_port(server, host):
    assert _get(server.port, "/", host=host.format(port=server.port) or " ")[0] == 403


def test_a_request_without_a_host_is_refused(server):
    connection = http.client.HTTPConnection(HOST, server.port, timeout=10)
    connection.putrequest("GET", "/state", skip_host=True)
    connection.endheaders()
    assert connection.getresponse().status == 403


def test_a_query_does_not_change_what_is_served(server):
    assert _get(server.port, "/state?t=1")[1] == _get(server.port, "/state")[1]
    assert _get(server.port, "/state?t=1?u=2")[1] == _get(server.port, "/state")[1]
    assert _get(server.port, "/pages/3/handbook-1.png?v=2") == (200, b"\x89PNG page one")


def test_the_title_is_the_assignment_as_text(tmp_path):
    with PreviewServer(PreviewState(tmp_path, "<b>R&D</b>")) as running:
        status, body = _get(running.port, "/")
    assert status == 200
    assert b"<title>&lt;b&gt;R&amp;D&lt;/b&gt; \xc2\xb7 interim watch</title>" in body
    assert b"<header><strong>&lt;b&gt;R&amp;D&lt;/b&gt;</strong>" in body
    assert b"{title}" not in body and b"<b>R&D" not in body
    assert b'new EventSource("/events")' in body and b'fetch("/state"' in body


def test_a_build_replaces_the_pages_of_the_documents_it_made_only(tmp_path):
    state = PreviewState(tmp_path, "a")
    assert state.snapshot() == {"version": 0, "title": "a", "error": "", "documents": []}
    state.publish({"proposal": [Page("1/proposal-1.png", "Voorstel")],
                   "handbook": [Page("1/handbook-1.png", "Een"), Page("1/handbook-2.png", "")]})
    state.publish({"handbook": [Page("2/handbook-1.png", "Een!")]})
    assert state.snapshot() == {"version": 2, "title": "a", "error": "", "documents": [
        {"name": "proposal", "pages": [{"src": "/pages/1/proposal-1.png", "text": "Voorstel"}]},
        {"name": "handbook", "pages": [{"src": "/pages/2/handbook-1.png", "text": "Een!"}]}]}
    state.fail("handbook: broken")
    assert state.snapshot()["error"] == "handbook: broken"
    assert state.snapshot()["version"] == 3
    assert len(state.snapshot()["documents"]) == 2
    state.publish({})  # the next good build clears the error
    assert state.snapshot()["error"] == "" and state.snapshot()["version"] == 4


def test_versions_come_as_they_change_with_a_keep_alive_between(tmp_path, monkeypatch):
    monkeypatch.setattr("generator.delivery.preview.KEEP_ALIVE_SECONDS", 0.01)
    state, stop = PreviewState(tmp_path, "a"), threading.Event()
    seen = state.versions(stop)
    assert next(seen) == 0  # the current one at once
    assert next(seen) is None  # nothing new: "still here"
    state.publish({})
    state.publish({})
    assert next(seen) == 2  # the latest, not each one missed
    stop.set()
    assert list(seen) == []


def test_the_keep_alive_is_a_comment_every_15_seconds(server, monkeypatch):
    from generator.delivery import preview

    assert preview.KEEP_ALIVE_SECONDS == 15.0
    monkeypatch.setattr(preview, "KEEP_ALIVE_SECONDS", 0.01)
    connection = http.client.HTTPConnection(HOST, server.port, timeout=10)
    connection.request("GET", "/events", headers={"Host": f"{HOST}:{server.port}"})
    stream = connection.getresponse()
    assert stream.getheader("Cache-Control") == "no-store"
    assert stream.getheader("Connection") == "close"
    assert stream.readline() == b"data: 1\n"
    assert stream.readline() == b"\n"
    assert stream.readline() == b": still here\n"
    connection.close()


def test_closing_ends_the_event_streams_at_once(tmp_path, monkeypatch):
    """A stream waits for the next build; closing wakes it (Ctrl-C must not wait for it)."""
    monkeypatch.setattr("generator.delivery.preview.KEEP_ALIVE_SECONDS", 600.0)
    running = PreviewServer(PreviewState(tmp_path, "a")).__enter__()
    connection = http.client.HTTPConnection(HOST, running.port, timeout=60)
    connection.request("GET", "/events", headers={"Host": f"{HOST}:{running.port}"})
    stream = connection.getresponse()
    assert stream.readline() == b"data: 0\n"
    assert stream.readline() == b"\n"
    closing = threading.Thread(target=running.close, daemon=True)
    closing.start()
    # The stream ends (its last keep-alive at most), long before the next one was due.
    assert stream.read() in (b"", b": still here\n\n")
    closing.join(60)
    assert not closing.is_alive()
    connection.close()


def test_a_server_never_started_closes(tmp_path):
    never = PreviewServer(PreviewState(tmp_path, "a"))
    closing = threading.Thread(target=never.close, daemon=True)
    closing.start()
    closing.join(60)
    assert not closing.is_alive() and never.stop.is_set()
    with pytest.raises(OSError):  # its port is given back
        socket.create_connection((HOST, never.port), 2)
