"""The preview server: loopback only, answers only to its own name, serves only its pages."""

from __future__ import annotations

import http.client
import json
import socket
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
    status, _ = _get(server.port, "/state", host=f"evil.example:{server.port}")
    assert status == 403


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
