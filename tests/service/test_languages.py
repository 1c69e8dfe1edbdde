"""Languages over HTTP: the pack's languages, Dutch vocabulary, and every text-producing
route answering in ``?lang=`` or ``Accept-Language`` with the same ids and levels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="needs the server-test extra")
pytest.importorskip("httpx", reason="needs the server-test extra")

import hamtriage
from hamtriage.rules.translated import translated_pack

from ._server import Server
from .test_api import HINGE, problem

RETEST = Path(__file__).resolve().parents[2] / "examples" / "retest"


@pytest.fixture(scope="module")
def pack() -> hamtriage.RulePack:
    return hamtriage.load_pack(hamtriage.bundled_rules_path())  # no engine: texts only


def test_the_pack_lists_its_languages(server: Server, pack: hamtriage.RulePack) -> None:
    listed = server.client.get("/v1/pack").json()["languages"]
    assert listed == list(pack.languages)
    assert "nl" in listed  # the bundled pack has Dutch texts
    body = problem(server.client.get("/v1/pack?lang=xx"), 422)
    assert body["errors"] == [
        {
            "field": "query.lang",
            "message": f"use one of: {', '.join(listed)}",
            "suggestions": listed,
        }
    ]


@pytest.mark.parametrize("how", ["query", "header"])
def test_vocabulary_in_dutch(server: Server, pack: hamtriage.RulePack, how: str) -> None:
    if how == "query":
        response = server.client.get("/v1/vocabulary", params={"lang": "nl"})
    else:
        response = server.client.get(
            "/v1/vocabulary", headers={"accept-language": "nl-BE, en;q=0.5"}
        )
    assert response.headers["content-language"] == "nl"
    body = response.json()
    assert body["lang"] == "nl"
    dutch = translated_pack(pack, "nl")
    english = {i["id"]: i for i in server.client.get("/v1/vocabulary").json()["items"]}
    items = {i["id"]: i for i in body["items"]}
    assert set(items) == set(english)
    for vid, item in items.items():
        source = dutch.item(vid)
        assert source is not None
        assert item["label"] == source.label
        assert item["unit"] == english[vid]["unit"] or item["kind"] == "measurement"
        assert item["range"] == english[vid]["range"]
        assert item["red_flag"] == english[vid]["red_flag"]
    changed = [vid for vid in items if items[vid]["label"] != english[vid]["label"]]
    assert len(changed) > len(items) // 2  # most labels are Dutch, not English


def _texts(result: dict[str, object]) -> str:
    return json.dumps([result.get("hypotheses"), result.get("recommendations")])


@pytest.mark.parametrize("params", [{"lang": "nl"}, {}])
def test_triage_answers_in_dutch_with_the_same_ids(server: Server, params: dict[str, str]) -> None:
    headers = {} if params else {"accept-language": "nl"}  # {} goes through the fast path
    dutch = server.client.post("/v1/triage", json=HINGE, params=params, headers=headers)
    english = server.client.post("/v1/triage", json=HINGE)
    assert dutch.status_code == english.status_code == 200
    assert dutch.headers["content-language"] == "nl"
    d, e = dutch.json(), english.json()
    assert d["lang"] == "nl"
    assert d["level"] == e["level"]
    assert [h["id"] for h in d["hypotheses"]] == [h["id"] for h in e["hypotheses"]]
    assert [r["id"] for r in d["recommendations"]] == [r["id"] for r in e["recommendations"]]
    assert _texts(d) != _texts(e)


def test_batch_explain_questions_and_retest_speak_dutch(server: Server) -> None:
    nl = {"lang": "nl"}
    batch = server.client.post("/v1/triage/batch", json={"reports": [HINGE]}, params=nl)
    assert batch.json()["results"][0]["lang"] == "nl"
    for path in ("/v1/explain", "/v1/next-questions"):
        dutch = server.client.post(path, json=HINGE, params=nl)
        english = server.client.post(path, json=HINGE)
        assert dutch.status_code == english.status_code == 200, dutch.text
        assert dutch.headers["content-language"] == "nl"
        assert dutch.json() != english.json()
    before = json.loads((RETEST / "before.json").read_text())
    after = json.loads((RETEST / "after.json").read_text())
    retest = server.client.post("/v1/retest", json={"before": before, "after": after}, params=nl)
    assert retest.status_code == 200, retest.text
    assert retest.json()["after"]["lang"] == "nl"
