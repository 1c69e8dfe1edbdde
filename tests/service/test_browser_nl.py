"""The intake page in Dutch, in headless Chromium: the browser's language picks it, the
switch changes it mid-way, and red flags still win. The Dutch emergency end screen is
written to docs/screenshots/ for the README."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

pytest.importorskip("fastapi", reason="needs the server-test extra")
sync_api = pytest.importorskip("playwright.sync_api", reason="needs the server-test extra")

from hamtriage.catalog import messages  # noqa: E402

from ._server import Server  # noqa: E402
from .test_browser import SHOTS, answer_until_result, no_horizontal_scroll  # noqa: E402

pytestmark = pytest.mark.slow

NL = messages("nl")
EN = messages("en")
DUTCH_PACK = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "rules" / "i18n" / "nl.yaml").read_text("utf-8")
)
RED_FLAG_TEXT = "ik voel mijn zitvlak niet meer en plassen gaat moeilijk"
BENIGN_TEXT = (
    "Mijn rug schiet vast bij deadliften. Knie tot muur 6,5 cm, vingertoppen 12 cm van de "
    "grond. Geen gevoelloosheid in mijn zitvlak."
)


def open_page(browser: Any, server: Server, locale: str, width: int = 1000) -> Any:
    """The page in a browser whose languages start with ``locale``; records every API
    request so a test can check that each one carried the chosen language."""
    page = browser.new_page(viewport={"width": width, "height": 900}, locale=locale)
    errors: list[str] = []
    requests: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("request", lambda req: requests.append(req.url) if "/v1/" in req.url else None)
    page.errors = errors
    page.api_requests = requests
    page.goto(server.url + "/")
    page.wait_for_selector("#region-list .region", state="attached")
    return page


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def describe(page: Any, text: str) -> None:
    page.fill("#text", text)
    page.click("#btn-understand")
    page.wait_for_selector("#step-review:not([hidden])")


def answer_no_until_result(page: Any) -> list[str]:
    """The Dutch page's "Nee" ("Weet ik niet" for a measurement) until the result."""
    asked: list[str] = []
    answer_until_result(
        page,
        asked,
        no=capital(NL["answer.no"]),
        dont_know=NL["page.dont_know"],
        question_n=NL["page.question_n"],
    )
    return asked


def test_dutch_browser_gets_the_dutch_page(browser: Any, server: Server) -> None:
    page = open_page(browser, server, "nl-NL")
    assert page.get_attribute("html", "lang") == "nl"
    assert page.inner_text("h1") == NL["page.title"]
    assert page.inner_text("#btn-understand") == NL["page.continue"]
    assert page.get_attribute("#text", "placeholder") == NL["page.text_placeholder"]
    # the switch is labelled for screen readers and names each language in its own words
    assert page.inner_text("label[for=lang-select]") == NL["page.language"]
    options = page.eval_on_selector_all("#lang-select option", "os => os.map(o => o.textContent)")
    assert options == ["English", "Nederlands"]
    assert page.input_value("#lang-select") == "nl"
    # every page text in the HTML has a key in both catalogs, and Dutch differs from English
    keys = page.eval_on_selector_all("[data-t]", "ns => ns.map(n => n.dataset.t)")
    assert keys
    assert all(k in NL and k in EN for k in keys)
    assert all(NL[k] != EN[k] for k in keys if k != "page.footer")
    # the tick list's body-region headings are Dutch too, not English ids
    headings = page.eval_on_selector_all("#region-list h3", "hs => hs.map(h => h.textContent)")
    assert NL["region.low_back"] in headings
    assert "low back" not in headings


def test_dutch_red_flag_text_ends_on_the_dutch_emergency_screen(
    browser: Any, server: Server
) -> None:
    page = open_page(browser, server, "nl-BE")
    describe(page, RED_FLAG_TEXT)
    assert NL["page.review_heading"] == page.inner_text("#h-review")
    page.click("#btn-questions")
    answer_no_until_result(page)  # the suspected flag is asked; saddle numbness still wins
    assert page.get_attribute("#level", "data-level") == "emergency"
    assert page.inner_text("#level-text") == NL["level_text.emergency"]
    assert page.inner_text("#level-sub") == NL["page.sub.emergency"]
    assert page.is_visible(".card.flag")
    assert page.locator("#drills").count() == 0  # no drill on an emergency, in any language
    assert page.inner_text("#disclaimer") == NL["disclaimer"]
    assert NL["page.warning_signs"] in page.inner_text("#result-body")
    # the free text went to /v1/parse as Dutch, and every API call carried the language
    assert any("/v1/parse" in url for url in page.api_requests)
    first, *rest = page.api_requests  # the first asks the pack which languages it has
    assert "/v1/pack" in first
    assert rest
    assert all("lang=nl" in url for url in rest)
    page.screenshot(path=str(SHOTS / "emergency-nl.png"), full_page=True)
    assert page.errors == []


def test_dutch_benign_flow_ends_on_self_care_with_the_dutch_opener(
    browser: Any, server: Server
) -> None:
    page = open_page(browser, server, "nl")
    describe(page, BENIGN_TEXT)
    assert NL["page.dont_have"] in page.inner_text("#understood")  # the Dutch denial held
    page.click("#btn-questions")
    asked = answer_no_until_result(page)
    assert asked, "the red-flag screening asked nothing"
    assert page.get_attribute("#level", "data-level") == "self_care"
    drills = page.inner_text("#drills")
    assert DUTCH_PACK["items"]["inner_hamstring_opener"]["label"] in drills
    assert NL["page.dosage"].split("{")[0] in drills
    assert page.inner_text("#level-text") == NL["level_text.self_care"]
    assert page.errors == []


def test_switching_language_mid_way_re_renders_the_current_screen(
    browser: Any, server: Server
) -> None:
    page = open_page(browser, server, "en-US")
    assert page.get_attribute("html", "lang") == "en"
    describe(page, "My back seizes up when I deadlift")
    page.click("#btn-questions")
    page.wait_for_selector("#step-question:not([hidden])")
    english_question = page.inner_text("#q-text")
    page.focus("#lang-select")  # the switch works from the keyboard
    page.keyboard.press("ArrowDown")
    page.wait_for_function("() => document.documentElement.lang === 'nl'")
    page.wait_for_function(
        "([h]) => document.getElementById('h-question').textContent === h",
        arg=[NL["page.questions_heading"]],
    )
    page.wait_for_function(
        "([q]) => document.getElementById('q-text').textContent !== q", arg=[english_question]
    )
    assert page.is_visible("#step-question")  # still the same screen, now in Dutch
    buttons = page.eval_on_selector_all("#q-answers button", "bs => bs.map(b => b.textContent)")
    assert capital(NL["answer.yes"]) in buttons or NL["page.save"] in buttons
    assert page.inner_text("#q-progress").startswith(NL["page.question_n"].format(n=1))
    # and back to English on the result screen
    page.click("#btn-result-now")
    page.wait_for_selector("#step-result:not([hidden])")
    level = page.get_attribute("#level", "data-level")
    assert page.inner_text("#level-text") == NL[f"level_text.{level}"]
    page.select_option("#lang-select", "en")
    page.wait_for_function(
        "([t]) => document.getElementById('level-text').textContent === t",
        arg=[EN[f"level_text.{level}"]],
    )
    assert page.is_visible("#step-result")
    assert page.inner_text("#disclaimer") == EN["disclaimer"]
    assert page.errors == []


def test_dutch_phone_width_has_no_horizontal_scroll(browser: Any, server: Server) -> None:
    page = open_page(browser, server, "nl-NL", width=390)
    assert no_horizontal_scroll(page)
    page.click("#regions summary")
    assert no_horizontal_scroll(page)
    describe(page, RED_FLAG_TEXT)
    assert no_horizontal_scroll(page)
    page.click("#btn-questions")
    page.wait_for_selector("#step-question:not([hidden])")
    assert no_horizontal_scroll(page)
    answer_no_until_result(page)
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(SHOTS / "emergency-nl-phone.png"), full_page=True)
