"""GET /v1/page-texts: the intake page's texts come from the library's catalog in the
chosen language, and every text the page's files ask for exists in every language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="needs the server-test extra")
pytest.importorskip("httpx", reason="needs the server-test extra")

from hamtriage.catalog import LANGUAGES, messages
from hamtriage.levels import Likelihood, TriageLevel

from ._server import Server
from .test_api import problem

STATIC = Path(__file__).resolve().parents[2] / "hamtriage" / "service" / "static"


def _page_keys() -> set[str]:
    """Every literal catalog key in the page's HTML and script, plus the keys it builds
    from the levels, likelihoods and measurement sides the API can send."""
    html = (STATIC / "index.html").read_text("utf-8")
    script = (STATIC / "app.js").read_text("utf-8")
    keys = set(re.findall(r'data-t(?:-placeholder)?="([^"]+)"', html))
    found = re.findall(r'"((?:page|answer|level_text|likelihood|explain)\.[a-z_.]+)"', script)
    keys |= {k for k in found if not k.endswith(".")}  # "page.sub." + level: built below
    keys |= {f"level_text.{level.value}" for level in TriageLevel}
    keys |= {f"page.sub.{level.value}" for level in TriageLevel}
    keys |= {f"likelihood.{value.value}" for value in Likelihood}
    keys |= {"page.value", "page.left", "page.right"}
    keys |= {f"explain.status.{s}" for s in ("ruled_in", "ruled_out", "untested")}
    return keys


def test_every_text_the_page_uses_is_served_in_every_language(server: Server) -> None:
    keys = _page_keys()
    assert len(keys) > 50  # the scan found the page's texts
    for lang in LANGUAGES:
        body = server.client.get("/v1/page-texts", params={"lang": lang}).json()
        assert body["lang"] == lang
        missing = keys - set(body["texts"])
        assert not missing, f"{lang}: {sorted(missing)}"
        # own key in each language's own catalog, not an English fallback
        assert keys <= set(messages(lang)), sorted(keys - set(messages(lang)))


def test_dutch_texts_are_the_dutch_catalog(server: Server) -> None:
    response = server.client.get("/v1/page-texts", headers={"accept-language": "nl-NL,nl;q=0.9"})
    assert response.headers["content-language"] == "nl"
    body = response.json()
    nl, en = messages("nl"), messages("en")
    assert body["texts"] == {k: nl[k] for k in body["texts"]}
    assert body["texts"]["disclaimer"] == nl["disclaimer"] != en["disclaimer"]
    assert body["names"] == {"en": "English", "nl": "Nederlands"}
    english = server.client.get("/v1/page-texts").json()["texts"]
    same = [k for k in english if english[k] == body["texts"][k]]
    assert len(same) < len(english) // 10, same  # translated, not copied


def test_an_unknown_language_is_a_problem_not_a_500(server: Server) -> None:
    body = problem(server.client.get("/v1/page-texts", params={"lang": "dutch"}), 422)
    errors = body["errors"]
    assert isinstance(errors, list)
    assert [e["field"] for e in errors] == ["query.lang"]
    assert errors[0]["suggestions"] == ["en", "nl"]


def test_the_page_still_has_no_inline_script() -> None:
    html = (STATIC / "index.html").read_text("utf-8")
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert re.findall(r"\son[a-z]+=", html) == []  # no inline handlers either


def test_every_body_region_of_the_pack_is_named_in_dutch(server: Server) -> None:
    # the tick list groups items by region: its headings must not fall back to English ids
    items = server.client.get("/v1/vocabulary").json()["items"]
    # "any" is the general group, headed by page.region_general
    regions = {item["region"] for item in items if item.get("region")} - {"any"}
    assert regions, "the bundled vocabulary has regions"
    texts = server.client.get("/v1/page-texts", params={"lang": "nl"}).json()["texts"]
    assert {r: texts.get(f"region.{r}") for r in regions} == {
        r: messages("nl")[f"region.{r}"] for r in regions
    }
    assert texts["region.low_back"] != messages("en")["region.low_back"]
