"""The /v1 API over HTTP: results, audit records, and problem details for bad input."""

from __future__ import annotations

import json
import re

import pytest

pytest.importorskip("fastapi", reason="needs the server-test extra")
pytest.importorskip("httpx", reason="needs the server-test extra")

from hamtriage.service.store import AuditStore

from ._server import Server

PROBLEM = "application/problem+json"
HINGE = {
    "symptoms": ["low_back_spasms"],
    "activities": ["deadlift"],
    "measurements": {"knee_to_wall_cm": 6.5, "fingertip_to_floor_cm": 12},
}


def problem(response: object, status: int) -> dict[str, object]:
    """Assert ``response`` is an RFC 9457 problem with ``status``; return its body."""
    import httpx

    assert isinstance(response, httpx.Response)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert isinstance(body, dict)
    assert {"type", "title", "status", "detail", "errors"} <= set(body)
    assert body["status"] == status
    assert_no_internals(response.text)
    return body


def assert_no_internals(text: str) -> None:
    """No stack trace, module path or file path in anything a client sees."""
    for marker in ("Traceback", 'File "', ".py", "/work/", "site-packages", "hamtriage/"):
        assert marker not in text, f"{marker!r} leaked in {text[:300]}"


def test_triage_answers_the_result_and_its_record_id(server: Server) -> None:
    response = server.client.post("/v1/triage", json=HINGE)
    assert response.status_code == 200
    body = response.json()
    assert body["level"] == "self_care"
    assert body["hypotheses"][0]["id"] == "inner_hamstring_weakness"
    record_id = response.headers["x-hamtriage-record"]
    assert re.fullmatch(r"[0-9a-f-]{36}", record_id)
    store = AuditStore(server.db_url)
    try:
        record = store.get(record_id)
    finally:
        store.close()
    assert record is not None
    assert record.level == "self_care"
    assert record.pack_id == body["pack"]["id"]
    assert record.recommendations == tuple(r["id"] for r in body["recommendations"])
    assert record.report is not None
    assert record.report["present"] == ["low_back_spasms"]
    assert len(record.report_sha256) == 64


def test_labels_and_synonyms_hash_like_their_ids(server: Server) -> None:
    a = server.client.post("/v1/triage", json={"symptoms": ["tight_calves"]})
    b = server.client.post("/v1/triage", json={"symptoms": ["tight calves"]})
    store = AuditStore(server.db_url)
    try:
        ra = store.get(a.headers["x-hamtriage-record"])
        rb = store.get(b.headers["x-hamtriage-record"])
    finally:
        store.close()
    assert ra is not None
    assert rb is not None
    assert ra.id != rb.id
    assert ra.report_sha256 == rb.report_sha256


def test_red_flag_is_an_emergency_with_no_drill(server: Server) -> None:
    body = server.client.post(
        "/v1/triage", json={"symptoms": ["low_back_spasms", "saddle_numbness"]}
    ).json()
    assert body["level"] == "emergency"
    assert [r["id"] for r in body["recommendations"]] == ["seek_emergency_care"]


def test_unknown_symptom_is_a_422_with_field_and_suggestion(server: Server) -> None:
    body = problem(server.client.post("/v1/triage", json={"symptoms": ["low_back_spasm"]}), 422)
    assert body["errors"] == [
        {
            "field": "symptoms[0]",
            "message": "unknown symptom or history 'low_back_spasm'",
            "suggestions": ["low_back_spasms", "plain_low_back_pain"],
        }
    ]


def test_out_of_range_measurement_is_a_422(server: Server) -> None:
    body = problem(
        server.client.post("/v1/triage", json={"measurements": {"knee_to_wall_cm": 45}}), 422
    )
    errors = body["errors"]
    assert isinstance(errors, list)
    assert errors[0]["field"] == "measurements.knee_to_wall_cm"
    assert "outside the valid range" in errors[0]["message"]


def test_unknown_keys_and_wrong_types_list_every_problem(server: Server) -> None:
    body = problem(
        server.client.post("/v1/triage", json={"symptom": ["x"], "age": "old", "sex": 3}), 422
    )
    errors = body["errors"]
    assert isinstance(errors, list)
    fields = {e["field"]: e for e in errors}
    assert set(fields) == {"symptom", "age", "sex"}
    assert fields["symptom"]["suggestions"] == ["symptoms"]


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"", "application/json", 400),
        (b"[" * 100 + b"]" * 100, "application/json", 400),
        (b"\xff\xfe", "application/json", 400),
        (b"symptoms=x", "application/x-www-form-urlencoded", 415),
        (b'{"symptoms": []}', "text/plain", 415),
        (b'{"symptoms": ["' + b"a" * 70_000 + b'"]}', "application/json", 413),
    ],
    ids=["malformed", "empty", "too-deep", "not-utf8", "form", "text", "too-large"],
)
def test_body_problems(server: Server, content: bytes, content_type: str, status: int) -> None:
    for path in ("/v1/triage", "/v1/explain", "/v1/parse", "/v1/triage/batch"):
        response = server.client.post(path, content=content, headers={"content-type": content_type})
        problem(response, status)


def test_a_missing_content_type_is_a_415(server: Server) -> None:
    response = server.client.post("/v1/triage", content=b"{}", headers={"content-type": ""})
    problem(response, 415)


def test_batch_keeps_order_and_names_the_bad_report(server: Server) -> None:
    reports = [{"symptoms": ["tight_calves"]}, HINGE, {"symptoms": ["saddle_numbness"]}]
    response = server.client.post("/v1/triage/batch", json={"reports": reports})
    assert response.status_code == 200
    body = response.json()
    assert [r["level"] for r in body["results"]] == ["self_care", "self_care", "emergency"]
    assert len(set(body["records"])) == 3
    bad = server.client.post(
        "/v1/triage/batch",
        json={
            "reports": [
                {"symptoms": ["tight_calf"]},
                HINGE,
                {"measurements": {"knee_to_wall_cm": 45}},
            ]
        },
    )
    errors = problem(bad, 422)["errors"]
    assert isinstance(errors, list)  # every invalid report, not only the first
    assert [e["field"] for e in errors] == [
        "reports[0].symptoms[0]",
        "reports[2].measurements.knee_to_wall_cm",
    ]
    assert errors[0]["suggestions"][0] == "tight_calves"
    empty = server.client.post("/v1/triage/batch", json={"reports": []})  # was a 500
    assert empty.json() == {"results": [], "records": []}
    too_many = server.client.post("/v1/triage/batch", json={"reports": [{}] * 1001})
    problem(too_many, 422)


def test_explain_next_questions_and_parse(server: Server) -> None:
    why = server.client.post("/v1/explain", json={"symptoms": ["tight_calves"]}).json()
    assert any(h["id"] == "calf_tightness" for h in why["hypotheses"])
    asked = server.client.post("/v1/next-questions?limit=2", json={"symptoms": ["tight_calves"]})
    questions = asked.json()["questions"]
    assert len(questions) == 2
    assert questions[0]["red_flag"]
    problem(server.client.post("/v1/next-questions?limit=0", json={}), 422)
    parsed = server.client.post(
        "/v1/parse", json={"text": "my back seizes up when I deadlift, no numbness down there"}
    ).json()
    report = parsed["parsed"]["report"]
    assert report["symptoms"] == ["low_back_spasms"]
    assert report["absent"] == ["saddle_numbness"]
    assert "saddle_numbness" not in parsed["unscreened"]
    assert "bladder_or_bowel_dysfunction" in parsed["unscreened"]  # low-back red flags first
    assert parsed["suspected"] == []
    assert [s["id"] for s in parsed["screens"]] == parsed["unscreened"]
    hinted = server.client.post(
        "/v1/parse", json={"text": "back spasms, and something felt odd when I went to the toilet"}
    ).json()
    assert hinted["suspected"] == ["saddle_numbness"]  # Report.suspected
    assert "saddle_numbness" not in hinted["unscreened"]
    screens = hinted["screens"]  # to_confirm first, each with the question that settles it
    assert screens[0]["id"] == "saddle_numbness"
    assert screens[0]["question"]
    assert [s["id"] for s in screens[1:]] == hinted["unscreened"]
    problem(server.client.post("/v1/parse", json={"text": "x" * 10_001}), 422)


def test_pack_vocabulary_and_language(server: Server) -> None:
    pack = server.client.get("/v1/pack").json()
    assert pack["name"] == "hamtriage-bundled"
    assert len(pack["content_hash"]) == 64
    assert pack["languages"] == ["en", "nl"]
    vocab = server.client.get("/v1/vocabulary", headers={"accept-language": "nl, en;q=0.5"})
    assert vocab.headers["content-type"] == "application/json"
    items = {i["id"]: i for i in vocab.json()["items"]}
    assert items["knee_to_wall_cm"]["unit"] == "cm"
    assert items["knee_to_wall_cm"]["range"] == [0, 20]
    assert items["saddle_numbness"]["red_flag"] is True
    assert items["tight_calves"]["red_flag"] is False
    triaged = server.client.post("/v1/triage?lang=en", json=HINGE)
    assert triaged.headers["content-language"] == "en"
    body = problem(server.client.get("/v1/pack?lang=xx"), 422)
    assert body["errors"] == [
        {"field": "query.lang", "message": "use one of: en, nl", "suggestions": ["en", "nl"]}
    ]


def test_health_ready_and_unknown_routes(server: Server) -> None:
    assert server.client.get("/healthz").json() == {"status": "ok"}
    assert server.client.get("/readyz").json()["status"] == "ready"
    problem(server.client.get("/v1/nothing"), 404)
    problem(server.client.get("/v1/triage"), 405)


def test_page_and_docs_are_local_with_security_headers(server: Server) -> None:
    page = server.client.get("/")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "<script>" not in page.text
    assert "http" not in page.text.replace("http-equiv", "")
    assert "http" not in server.client.get("/static/app.js").text.replace("https://", "http")[:0]
    for asset in ("/static/app.js", "/static/style.css"):
        assert server.client.get(asset).status_code == 200
    docs = server.client.get("/docs")
    assert docs.status_code == 200
    scripts = re.findall(r'src="([^"]+)"', docs.text)
    assert scripts == ["/docs-assets/swagger-ui-bundle.js", "/static/docs.js"]
    for src in scripts:
        assert server.client.get(src).status_code == 200
    assert server.client.get("/docs-assets/swagger-ui.css").status_code == 200
    openapi = server.client.get("/openapi.json").json()
    assert openapi["openapi"].startswith("3.1")


def test_no_response_leaks_internals(server: Server) -> None:
    for path, body in [
        ("/v1/triage", {"measurements": {"knee_to_wall_cm": "NaN"}}),
        ("/v1/triage", {"measurements": {"knee_to_wall_cm": {"left": 1}}}),
        ("/v1/triage", {"symptoms": ["a" * 500]}),
        ("/v1/triage", {"symptoms": [None]}),
        ("/v1/triage", [1, 2]),
        ("/v1/parse", {"text": None}),
    ]:
        response = server.client.post(path, content=json.dumps(body))
        assert response.status_code in (400, 415, 422), response.text
        assert_no_internals(response.text)


def test_the_negotiated_language_is_the_language_of_the_answer(server: Server) -> None:
    from hamtriage.catalog import message

    by_query = server.client.post("/v1/triage?lang=nl", json=HINGE)
    by_header = server.client.post("/v1/triage", json=HINGE, headers={"accept-language": "nl"})
    english = server.client.post("/v1/triage?lang=en", json=HINGE).json()
    for answer in (by_query, by_header):
        assert answer.headers["content-language"] == "nl"
        body = answer.json()
        assert body["lang"] == "nl"
        assert body["disclaimer"] == message("nl", "disclaimer")
        assert body["level"] == english["level"]
        assert [h["id"] for h in body["hypotheses"]] == [h["id"] for h in english["hypotheses"]]
    why = server.client.post("/v1/explain?lang=nl", json=HINGE).json()
    assert why["lang"] == "nl"
