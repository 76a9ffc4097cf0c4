"""The review desk's server: token, CSRF and origin checks, ids from the archive, loopback only.

The app is the real one (``pipeline.desk.app``) on a real archive layout; the in-process
client sends exactly the requests a browser or an attacker's page could. The last test starts
the real ``kijkwijzer review`` command and looks at the sockets it listens on.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from fastapi.testclient import TestClient
from review_helpers import desk_archive, start_desk, stop_desk

from pipeline.desk.app import DeskConfig, create_app
from pipeline.ingest.audit import read_audit
from pipeline.ingest.layout import DataRoot
from pipeline.review.records import load_records
from pipeline.settings import load_settings

PORT = 8765
HOST = f"127.0.0.1:{PORT}"


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[TestClient, DeskConfig, DataRoot, str, list[str]]]:
    root, recording_id = desk_archive(tmp_path / "root")
    published: list[str] = []

    def publish(rid: str) -> dict[str, Any]:
        published.append(rid)
        return {"ran": ["sheet"], "cached": ["transcribe", "diarize"], "held": False}

    config = DeskConfig.new(root, load_settings(environ={}), "onderzoeker-1", publish, PORT)
    client = TestClient(create_app(config), base_url=f"http://{HOST}")
    yield client, config, root, recording_id, published
    client.close()


def _post(client: TestClient, config: DeskConfig, path: str, body: Any, **headers: str) -> Any:
    sent = {"Origin": f"http://{HOST}", "X-CSRF-Token": config.csrf, "Content-Type": "application/json"}
    sent.update(headers)
    return client.post(f"/{config.token}/{path}", json=body, headers={k: v for k, v in sent.items() if v})


def test_every_url_needs_the_token(desk) -> None:
    client, config, _root, rid, _ = desk
    assert client.get(f"/{config.token}/").status_code == 200
    assert client.get(f"/{config.token}/r/{rid}/").status_code == 200
    for path in (
        "/",
        f"/r/{rid}/",
        f"/r/{rid}/original.mp4",
        f"/wrong-token/r/{rid}/",
        f"/{config.token[:-1]}/",
    ):
        response = client.get(path)
        assert response.status_code == 403, path
        assert rid not in response.text
    assert _post(client, config, f"r/{rid}/corrections", {}).status_code != 403  # sanity: the token opens


def test_a_correction_needs_post_csrf_and_our_origin(desk) -> None:
    client, config, root, rid, _ = desk
    turn = client.get(f"/{config.token}/r/{rid}/").text.split('data-target="turn:', 1)[1].split('"', 1)[0]
    body = {"kind": "role", "target": f"turn:{turn}", "after": "other"}
    refused = [
        _post(client, config, f"r/{rid}/corrections", body, Origin="http://evil.example"),  # cross-origin
        _post(client, config, f"r/{rid}/corrections", body, Origin=""),  # no origin at all
        _post(client, config, f"r/{rid}/corrections", body, **{"X-CSRF-Token": "guess"}),
        _post(client, config, f"r/{rid}/corrections", body, **{"X-CSRF-Token": ""}),
        _post(client, config, f"r/{rid}/corrections", body, **{"Sec-Fetch-Site": "cross-site"}),
        _post(client, config, f"r/{rid}/corrections", body, Host="evil.example:8765"),  # DNS rebinding
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    form = client.post(
        f"/{config.token}/r/{rid}/corrections",
        content="kind=role",
        headers={"Origin": f"http://{HOST}", "X-CSRF-Token": config.csrf,
                 "Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    assert form.status_code == 403  # a plain HTML form from elsewhere cannot write either
    assert client.get(f"/{config.token}/r/{rid}/corrections").status_code in (404, 405)  # GET writes nothing
    assert load_records(root, rid) == []
    accepted = _post(client, config, f"r/{rid}/corrections", body)
    assert accepted.status_code == 200, accepted.text
    [record] = load_records(root, rid)
    assert (record.kind, record.after, record.who) == ("role", "other", "onderzoeker-1")


def test_recording_ids_come_from_the_archive_listing(desk) -> None:
    client, config, root, rid, published = desk
    (root.path / "secret.txt").write_text("geheim", encoding="utf-8")
    for bad in ("..", "..%2F..%2Fsecret.txt", "rec-0000000000000000", "%2e%2e", rid + "%2F..", "rec-../../x"):
        page = client.get(f"/{config.token}/r/{bad}/")
        # refused, or (for a bare "..", which URL normalisation resolves) the list page
        assert page.status_code in (403, 404) or page.url.path == f"/{config.token}/", bad
        assert "geheim" not in page.text
        assert _post(client, config, f"r/{bad}/publish", {}).status_code in (403, 404)
        note = {"kind": "general_note", "after": "x"}
        assert _post(client, config, f"r/{bad}/corrections", note).status_code in (403, 404)
    for name in ("..%2F..%2Fsecret.txt", "recording.json", "consent.yaml", "..%2Frecording.json"):
        assert client.get(f"/{config.token}/r/{rid}/{name}").status_code == 404, name
    assert client.get(f"/{config.token}/r/{rid}/opname.mp4").status_code == 200  # the player's file
    assert published == []


def test_corrections_are_validated_against_the_desk(desk) -> None:
    client, config, root, rid, published = desk
    html = client.get(f"/{config.token}/r/{rid}/").text
    key = html.split('data-key="', 1)[1].split('"', 1)[0]
    bad = [
        {"kind": "role", "target": "turn:1", "after": "client"},  # no such turn
        {"kind": "role", "target": None, "after": "boss"},
        {"kind": "fragment_remove", "target": "vragen:1-2", "after": True},  # no such fragment
        {"kind": "fragment_bounds", "target": key, "after": {"start": 0.123, "end": 9999}},  # not turn edges
        {"kind": "publish"},  # only the publish button publishes
        {"kind": "researcher_note", "target": key, "after": "x" * 20_000},
    ]
    assert [_post(client, config, f"r/{rid}/corrections", body).status_code for body in bad] == [400] * len(
        bad
    )
    ok = _post(
        client, config, f"r/{rid}/corrections", {"kind": "researcher_note", "target": key, "after": "Let op."}
    )
    assert ok.status_code == 200
    done = _post(client, config, f"r/{rid}/publish", {})
    assert done.status_code == 200 and published == [rid]
    assert [r.kind for r in load_records(root, rid)] == ["researcher_note", "publish"]
    audit = [e for e in read_audit(root.audit_log) if e["action"] == "corrected"]
    assert [e["outcome"] for e in audit] == ["researcher_note", "publish"]
    assert "Let op" not in root.audit_log.read_text(encoding="ascii")


def test_the_command_listens_on_loopback_only(tmp_path: Path) -> None:
    root, rid = desk_archive(tmp_path / "root")
    process, url, port, token = start_desk(root.path, rid)
    try:
        listening = [
            c.laddr
            for c in psutil.Process(process.pid).net_connections(kind="inet")
            if c.status == psutil.CONN_LISTEN
        ]
        assert listening and all(addr.ip == "127.0.0.1" for addr in listening), listening
        assert url == f"http://127.0.0.1:{port}/{token}/r/{rid}/"
        others = {
            a.address for addrs in psutil.net_if_addrs().values() for a in addrs
            if a.family == socket.AF_INET and not a.address.startswith("127.")
        }  # fmt: skip
        for address in others:  # the machine's other addresses do not answer
            with pytest.raises(OSError):
                socket.create_connection((address, port), timeout=2).close()
        import urllib.error
        import urllib.request

        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10)
        assert refused.value.code == 403
        with urllib.request.urlopen(url, timeout=30) as page:
            assert page.status == 200 and "Nakijken en aanvullen" in page.read().decode("utf-8")
    finally:
        stop_desk(process)
    assert process.returncode == 0
