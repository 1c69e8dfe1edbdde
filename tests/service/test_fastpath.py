"""The POST /v1/triage fast path: it serves only the ordinary request and hands every
other one, body and all, to the FastAPI route, and both answer the same.

The ASGI-level cases triage, so they run in a subprocess (the C engine can take a
process down); the HTTP case uses the shared service.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="needs the server-test extra")
pytest.importorskip("httpx", reason="needs the server-test extra")

from hamtriage.service.security import hash_key

from ._server import Server
from .test_api import HINGE

KEY = "fast-path-test-key"

CASES = textwrap.dedent(
    """
    import asyncio, json, sys
    from hamtriage.service.app import Service
    from hamtriage.service.config import ServiceConfig
    from hamtriage.service.fastpath import TriageFastPath

    db, digest = sys.argv[1], sys.argv[2]
    HINGE = json.loads(sys.argv[3])

    async def call(service, body, headers=(), query=b"", path="/v1/triage", parsed=None):
        seen = {}
        async def inner(scope, receive, send):
            message = await receive()
            seen["body"] = message["body"]
        scope = {"type": "http", "method": "POST", "path": path, "query_string": query,
                 "headers": [(b"content-type", b"application/json"), *headers]}
        if parsed is not None:  # as BodyGuard leaves it
            scope["hamtriage.parsed_body"] = parsed
        async def receive():
            return {"type": "http.request", "body": body, "more_body": False}
        sent = []
        async def send(message):
            sent.append(message)
        await TriageFastPath(inner, service=service)(scope, receive, send)
        if "body" in seen:
            return {"served": False, "body_handed_on": seen["body"] == body}
        start = sent[0]
        head = {k.decode(): v.decode() for k, v in start["headers"]}
        return {"served": True, "status": start["status"], "headers": head,
                "level": json.loads(sent[1]["body"])["level"]}

    def started(**kw):
        service = Service(ServiceConfig(db_url=db, **kw))
        service.start()
        service.ready.wait(60)
        return service

    async def main():
        out = {}
        plain = started()
        report = json.dumps(HINGE).encode()
        out["ordinary"] = await call(plain, report)
        out["accept"] = await call(plain, report, [(b"accept-language", b"en-GB,en;q=0.8")])
        out["long_accept"] = await call(plain, report, [(b"accept-language", b"en," * 100)])
        out["query"] = await call(plain, report, query=b"lang=en")
        out["other_path"] = await call(plain, report, path="/v1/explain")
        out["unknown_id"] = await call(plain, b'{"symptoms": ["low_back_spasm"]}')
        out["wrong_type"] = await call(plain, b'{"age": "old"}')
        out["unknown_key"] = await call(plain, b'{"symptom": []}')
        out["parsed"] = await call(plain, report, parsed={"symptoms": ["saddle_numbness"]})
        plain.stop()
        keyed = started(api_key_hashes=(digest,))
        out["no_key"] = await call(keyed, report)
        out["bad_key"] = await call(keyed, report, [(b"x-api-key", b"nope")])
        out["key"] = await call(keyed, report, [(b"x-api-key", b"%KEY%")])
        out["bearer"] = await call(keyed, report, [(b"authorization", b"Bearer %KEY%")])
        out["basic"] = await call(keyed, report, [(b"authorization", b"Basic %KEY%")])
        keyed.stop()
        waiting = Service(ServiceConfig(db_url=db))  # never started: not ready
        out["not_ready"] = await call(waiting, report)
        print(json.dumps(out))

    asyncio.run(main())
    """
).replace("%KEY%", KEY)


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    db = f"sqlite:///{tmp_path_factory.mktemp('fast')}/audit.sqlite3"
    run = subprocess.run(
        [sys.executable, "-c", CASES, db, hash_key(KEY), json.dumps(HINGE)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert run.returncode == 0, run.stderr[-3000:]
    out: dict[str, dict[str, object]] = json.loads(run.stdout.strip().splitlines()[-1])
    return out


@pytest.mark.parametrize("case", ["ordinary", "accept", "key", "bearer"])
def test_the_ordinary_request_is_served_with_its_record(
    cases: dict[str, dict[str, object]], case: str
) -> None:
    found = cases[case]
    assert found["served"] is True
    assert found["status"] == 200
    headers = found["headers"]
    assert isinstance(headers, dict)
    assert len(headers["x-hamtriage-record"]) == 36
    assert headers["content-language"] == "en"
    assert headers["content-type"] == "application/json"
    assert found["level"] == "self_care"


@pytest.mark.parametrize(
    "case",
    [
        "long_accept",
        "query",
        "other_path",
        "unknown_id",
        "wrong_type",
        "unknown_key",
        "no_key",
        "bad_key",
        "basic",
        "not_ready",
    ],
)
def test_everything_else_goes_to_the_route_with_its_body(
    cases: dict[str, dict[str, object]], case: str
) -> None:
    assert cases[case] == {"served": False, "body_handed_on": True}


def test_fast_path_and_route_answer_the_same(server: Server) -> None:
    fast = server.client.post("/v1/triage", json=HINGE)
    routed = server.client.post("/v1/triage", json=HINGE, params={"lang": "en"})  # the route
    assert fast.status_code == routed.status_code == 200
    assert fast.json() == routed.json()
    assert fast.content == routed.content  # Engine.dump_json writes model_dump_json's bytes
    fast_nl = server.client.post("/v1/triage", json=HINGE, headers={"accept-language": "nl"})
    routed_nl = server.client.post("/v1/triage", json=HINGE, params={"lang": "nl"})
    assert fast_nl.content == routed_nl.content != fast.content
    ignore = {"x-hamtriage-record", "date"}
    assert {k: v for k, v in fast.headers.items() if k not in ignore} == {
        k: v for k, v in routed.headers.items() if k not in ignore
    }
    assert fast.headers["x-hamtriage-record"] != routed.headers["x-hamtriage-record"]


def test_the_body_parsed_by_the_guard_is_not_parsed_again(
    cases: dict[str, dict[str, object]],
) -> None:
    """BodyGuard leaves the JSON value it checked in the scope; the fast path validates
    that value (here deliberately not the body's) instead of parsing the body again."""
    assert cases["parsed"]["served"] is True
    assert cases["parsed"]["level"] == "emergency"
    assert cases["ordinary"]["level"] != "emergency"
