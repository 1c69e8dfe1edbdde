"""The intake page in headless Chromium (Debian's package, driven by Playwright).

Each end screen's screenshot is written to docs/screenshots/ for the README.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="needs the server-test extra")
sync_api = pytest.importorskip("playwright.sync_api", reason="needs the server-test extra")

from ._server import Server  # noqa: E402

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SADDLE_QUESTION = "area between your legs"

pytestmark = pytest.mark.slow


def new_page(browser: Any, server: Server, width: int = 1000, height: int = 900) -> Any:
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.errors = errors
    page.goto(server.url + "/")
    page.wait_for_selector("#region-list .region", state="attached")  # vocabulary loaded
    return page


def no_horizontal_scroll(page: Any) -> bool:
    return bool(
        page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    )


def describe(page: Any, text: str) -> None:
    page.fill("#text", text)
    page.click("#btn-understand")
    page.wait_for_selector("#step-review:not([hidden])")


def answer_until_result(
    page: Any,
    asked: list[str],
    limit: int = 80,
    *,
    no: str = "No",
    dont_know: str = "I don't know",
    question_n: str = "Question {n}",
) -> None:
    """Answer ``no`` (``dont_know`` for a measurement) until the result shows; the
    labels and the progress line (``question_n``) are the page's, in its language."""
    for _ in range(limit):
        page.wait_for_selector("#step-question:not([hidden]), #step-result:not([hidden])")
        if page.is_visible("#step-result"):
            return
        asked.append(page.inner_text("#q-text"))
        label = dont_know if page.is_visible("#q-answers input") else no
        page.click(f"#q-answers button:text-is({json.dumps(label)})")  # exact: not "Not sure"
        page.wait_for_function(
            "([p]) => !document.getElementById('step-result').hidden || "
            "document.getElementById('q-progress').textContent.startsWith(p)",
            arg=[question_n.format(n=len(asked) + 1)],
        )
    raise AssertionError(f"no result after {limit} questions")


def test_red_flag_text_ends_on_the_emergency_screen(browser: Any, server: Server) -> None:
    page = new_page(browser, server)
    describe(page, "My lower back seizes up when I deadlift and I am numb down there")
    understood = page.inner_text("#understood")
    assert "saddle" in understood.lower()
    page.click("#btn-questions")
    page.wait_for_selector("#step-result:not([hidden])")
    assert page.get_attribute("#level", "data-level") == "emergency"
    assert page.inner_text("#level-text").startswith("Emergency")
    assert page.is_visible(".card.flag")
    assert page.locator("#drills").count() == 0  # no drill, no opener
    assert "emergency" in page.inner_text(".card.referral").lower()
    # the warning comes before anything else on the screen
    order = page.evaluate(
        "[...document.querySelectorAll('#result-body > *')].map(e => e.className || e.tagName)"
    )
    assert order[:2] == ["H3", "card flag"]
    page.screenshot(path=str(SHOTS / "emergency.png"), full_page=True)
    assert page.errors == []


def test_benign_flow_ends_on_self_care_with_the_opener_and_respects_a_denial(
    browser: Any, server: Server
) -> None:
    page = new_page(browser, server)
    describe(
        page,
        "My back seizes up when I deadlift. Knee to wall 6.5 cm, fingertips 12 cm from the "
        "floor. No numbness down there.",
    )
    review = page.inner_text("#understood")
    assert "I don't have this" in review  # the denial is shown as such
    page.screenshot(path=str(SHOTS / "understood.png"), full_page=True)
    page.click("#btn-questions")
    asked: list[str] = []
    answer_until_result(page, asked)
    assert asked, "the red-flag screening asked nothing"
    assert not any(SADDLE_QUESTION in q for q in asked), "a denied red flag was asked again"
    assert page.get_attribute("#level", "data-level") == "self_care"
    drills = page.inner_text("#drills")
    assert "Inner-hamstring opener" in drills
    assert "Dosage:" in drills
    assert page.inner_text("#disclaimer")
    assert "hamtriage-bundled" in page.inner_text("#pack")
    page.click("#btn-why")
    page.wait_for_selector("#why:not([hidden]) .card")
    assert page.get_attribute("#btn-why", "aria-expanded") == "true"
    page.screenshot(path=str(SHOTS / "self-care.png"), full_page=True)
    assert page.errors == []


def test_a_removed_item_is_not_sent(browser: Any, server: Server) -> None:
    page = new_page(browser, server)
    describe(page, "tight calves and I can't touch my toes")
    page.click("li[data-id='tight_calves'] button:has-text('Remove')")
    assert page.locator("li[data-id='tight_calves']").count() == 0
    page.click("#btn-questions")
    page.wait_for_selector("#step-question:not([hidden])")
    page.click("#btn-result-now")
    page.wait_for_selector("#step-result:not([hidden])")
    assert "Calf tightness" not in page.inner_text("#result-body")


def test_a_suspected_red_flag_is_asked_first_and_counts_until_answered(
    browser: Any, server: Server
) -> None:
    page = new_page(browser, server)
    describe(page, "back spasms, and something felt odd when I went to the toilet")
    item = page.locator("li[data-id='saddle_numbness']")
    assert "we will ask first" in item.inner_text().lower()
    assert item.locator("button").count() == 0  # not removable before it is answered
    vocab = server.client.get("/v1/vocabulary").json()["items"]
    question = next(i["question"] for i in vocab if i["id"] == "saddle_numbness")
    page.click("#btn-questions")
    page.wait_for_selector("#step-question:not([hidden])")
    assert page.is_visible("#q-flag")
    assert page.inner_text("#q-text") == question  # to_confirm before anything else
    page.click("#btn-result-now")  # not answered: it counts as present (never reassure)
    page.wait_for_selector("#step-result:not([hidden])")
    assert page.get_attribute("#level", "data-level") == "emergency"
    assert page.errors == []


def test_phone_width_has_no_horizontal_scroll_and_keyboard_works(
    browser: Any, server: Server
) -> None:
    page = new_page(browser, server, width=390, height=844)
    assert no_horizontal_scroll(page)
    page.click("#regions summary")
    assert no_horizontal_scroll(page)
    page.focus("#text")
    page.keyboard.type("my back seizes up when I deadlift and I am numb down there")
    page.focus("#btn-understand")
    page.keyboard.press("Enter")
    page.wait_for_selector("#step-review:not([hidden])")
    assert no_horizontal_scroll(page)
    page.focus("#btn-questions")
    page.keyboard.press("Enter")
    page.wait_for_selector("#step-result:not([hidden])")
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(SHOTS / "emergency-phone.png"), full_page=True)
    # every control has a name for screen readers
    unnamed = page.evaluate(
        "[...document.querySelectorAll('button, input, textarea')].filter(e => "
        "!(e.innerText || e.getAttribute('aria-label') || (e.labels && e.labels.length)))"
        ".map(e => e.outerHTML)"
    )
    assert unnamed == []
