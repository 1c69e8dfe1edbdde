"""POST /v1/retest over HTTP: the re-test result, its audit record, and problem details."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="needs the server-test extra")
pytest.importorskip("httpx", reason="needs the server-test extra")

from hamtriage.service.store import AuditStore

from ._server import Server
from .test_api import problem

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "retest"
BEFORE = json.loads((EXAMPLES / "before.json").read_text())
AFTER = json.loads((EXAMPLES / "after.json").read_text())


def _change(body: dict[str, object], measurement: str, side: str | None) -> dict[str, object]:
    changes = body["changes"]
    assert isinstance(changes, list)
    (found,) = [c for c in changes if c["measurement"] == measurement and c["side"] == side]
    assert isinstance(found, dict)
    return found


def test_retest_judges_changes_against_the_measurement_error(server: Server) -> None:
    response = server.client.post(
        "/v1/retest",
        json={"before": BEFORE, "after": AFTER, "intervention": "inner_hamstring_opener"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    # 12 -> 5 cm toe touch beats its MDC (4.5 cm); +0.5 cm at the right ankle does not (1.9 cm)
    assert _change(body, "fingertip_to_floor_cm", None)["verdict"] == "improved"
    assert _change(body, "knee_to_wall_cm", "left")["verdict"] == "improved"
    assert _change(body, "knee_to_wall_cm", "right")["verdict"] == "no_real_change"
    assert body["intervention"] == "inner_hamstring_opener"
    assert body["before"]["level"]
    assert body["after"]["level"]
    assert response.headers["content-language"] == "en"


def test_retest_is_audited_like_a_triage(server: Server) -> None:
    retested = server.client.post("/v1/retest", json={"before": BEFORE, "after": AFTER})
    triaged = server.client.post("/v1/triage", json=AFTER)
    assert retested.status_code == triaged.status_code == 200
    record_id = retested.headers["x-hamtriage-record"]
    assert re.fullmatch(r"[0-9a-f-]{36}", record_id)
    store = AuditStore(server.db_url)
    try:
        record = store.get(record_id)
        plain = store.get(triaged.headers["x-hamtriage-record"])
    finally:
        store.close()
    assert record is not None
    assert plain is not None
    assert record.endpoint == "retest"
    body = retested.json()
    assert record.level == body["after"]["level"]
    assert list(record.recommendations) == [r["id"] for r in body["after"]["recommendations"]]
    # the digest covers both reports, so it is not the digest of the second alone
    assert record.report_sha256 != plain.report_sha256
    assert record.report is not None  # the shared server stores reports
    assert set(record.report) == {"before", "after", "intervention"}
    assert record.report["after"] == plain.report


def test_retest_bad_input_is_a_422_naming_the_field(server: Server) -> None:
    body = problem(
        server.client.post(
            "/v1/retest",
            json={"before": BEFORE, "after": AFTER, "intervention": "inner_hamstring_openr"},
        ),
        422,
    )
    errors = body["errors"]
    assert isinstance(errors, list)
    (error,) = errors
    assert error["field"] == "intervention"
    assert "inner_hamstring_opener" in error["suggestions"]

    body = problem(
        server.client.post(
            "/v1/retest",
            json={"before": {"symptoms": ["low_back_spasm"]}, "after": AFTER},
        ),
        422,
    )
    errors = body["errors"]
    assert isinstance(errors, list)
    (error,) = errors
    assert error["field"] == "before.symptoms[0]"
    assert "low_back_spasms" in error["suggestions"]

    body = problem(
        server.client.post(
            "/v1/retest",
            json={"before": BEFORE, "afterr": AFTER, "after": {"symptom": []}},
        ),
        422,
    )
    listed = body["errors"]
    assert isinstance(listed, list)
    by_field = {e["field"]: e for e in listed}
    assert by_field["afterr"]["suggestions"] == ["after"]
    assert by_field["after.symptom"]["suggestions"] == ["symptoms"]

    problem(server.client.post("/v1/retest", json={"before": BEFORE}), 422)
    problem(server.client.post("/v1/retest", json={"before": BEFORE, "after": AFTER},
                               params={"lang": "xx"}), 422)  # fmt: skip
    problem(server.client.post("/v1/retest", content=b"{", headers={"content-type":
                               "application/json"}), 400)  # fmt: skip
