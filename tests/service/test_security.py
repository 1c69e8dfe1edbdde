"""API keys, CORS and the pure security helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="needs the server-test extra")
pytest.importorskip("httpx", reason="needs the server-test extra")

from hamtriage.service.security import hash_key, key_matches, load_api_keys

from ._server import Server

KEY = "s3cret-key-for-tests"


def test_key_file_holds_digests_only(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    keys.write_text(f"# gym app\ngym sha256:{hash_key(KEY)}\n{hash_key('other').upper()}\n")
    digests = load_api_keys(keys)
    assert digests == (hash_key(KEY), hash_key("other"))
    assert key_matches(KEY, digests)
    assert key_matches("other", digests)
    assert not key_matches("s3cret", digests)
    assert not key_matches(None, digests)
    keys.write_text(KEY + "\n")  # a plain key by mistake: refused, not ignored
    with pytest.raises(ValueError, match="not a SHA-256 digest"):
        load_api_keys(keys)


def test_api_keys_guard_v1_but_not_health(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    keys.write_text(f"sha256:{hash_key(KEY)}\n")
    server = Server.start(["--api-keys", str(keys)])
    try:
        body = {"symptoms": ["tight_calves"]}
        assert server.client.get("/healthz").status_code == 200
        for headers in ({}, {"x-api-key": "wrong"}, {"authorization": "Bearer wrong"}):
            response = server.client.post("/v1/triage", json=body, headers=headers)
            assert response.status_code == 401
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["www-authenticate"] == "Bearer"
        assert server.client.get("/v1/pack").status_code == 401
        ok = server.client.post("/v1/triage", json=body, headers={"x-api-key": KEY})
        assert ok.status_code == 200
        bearer = server.client.get("/v1/pack", headers={"authorization": f"Bearer {KEY}"})
        assert bearer.status_code == 200
    finally:
        server.stop()


def test_a_bad_key_file_stops_the_command(tmp_path: Path) -> None:
    from hamtriage.cli import main

    keys = tmp_path / "keys"
    keys.write_text("plain-key\n")
    assert main(["serve", "--api-keys", str(keys), "--openapi"]) == 2


def test_cors_only_for_listed_origins() -> None:
    allowed = "https://coach.example"
    server = Server.start(["--cors-origin", allowed])
    try:
        preflight = {
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        }
        ok = server.client.options("/v1/triage", headers={"origin": allowed, **preflight})
        assert ok.status_code == 200
        assert ok.headers["access-control-allow-origin"] == allowed
        other = server.client.options(
            "/v1/triage", headers={"origin": "https://evil.example", **preflight}
        )
        assert "access-control-allow-origin" not in other.headers
        simple = server.client.post(
            "/v1/triage", json={"symptoms": ["tight_calves"]}, headers={"origin": allowed}
        )
        assert simple.headers["access-control-allow-origin"] == allowed
        assert "X-Hamtriage-Record" in simple.headers["access-control-expose-headers"]
        # the default service allows no origin at all
    finally:
        server.stop()


def test_no_cors_by_default(server: Server) -> None:
    response = server.client.post(
        "/v1/triage",
        json={"symptoms": ["tight_calves"]},
        headers={"origin": "https://coach.example"},
    )
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers
