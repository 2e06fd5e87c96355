"""A shopper in headless Chromium buys a product, from the home page to the order confirmation.

Chromium is Debian's (/usr/bin/chromium, installed by `make test-browser`); Playwright only drives it and
never downloads a browser of its own.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # the test runs as root in a container, where the sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = Path(__file__).resolve().parents[3] / "artifacts" / "order-confirmation.png"
# Playwright's own failure detector for a page that never shows what we wait for; on two shared cores a
# cold server-side render can take seconds, so it is generous. It is not a performance assertion.
ACTION_TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def open_page(browser: Browser, *, javascript: bool) -> tuple[BrowserContext, Page, list[str]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(ACTION_TIMEOUT_MS)
    expect.set_options(timeout=ACTION_TIMEOUT_MS)
    browser_errors: list[str] = []
    page.on("pageerror", lambda error: browser_errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and browser_errors.append(message.text))
    return context, page, browser_errors


def buy_from_the_home_page(
    page: Page, storefront_url: str, *, javascript: bool, email: str, name: str
) -> str:
    """Home -> first product -> 2 in the cart -> checkout -> confirmation; returns the product's name."""
    page.goto(storefront_url)
    expect(page.get_by_role("heading", name="New arrivals")).to_be_visible()

    first_card = page.locator(".card").first
    product_name = first_card.locator(".card-title").inner_text()
    first_card.locator(".card-link").click()
    expect(page.get_by_role("heading", level=1, name=product_name)).to_be_visible()
    price = page.locator(".price-large").inner_text()

    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    if javascript:  # the script keeps the shopper on the page and updates the badge
        expect(page.get_by_role("status")).to_contain_text("Added to your cart.")
        expect(page.locator("[data-cart-count]")).to_have_text("2")
        page.get_by_role("link", name=re.compile(r"^Cart")).click()
    # Without scripts the form posts and the answer redirects to the cart.
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    expect(page.locator(".cart-table tbody")).to_contain_text(product_name)
    expect(page.locator(".cart-table tfoot")).to_contain_text("Subtotal (2 items)")

    page.get_by_role("link", name="Proceed to checkout").click()
    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Street address").fill("1 Compiler Way")
    page.get_by_label("City").fill("Arlington")
    page.get_by_label("Postal code").fill("22201")
    page.get_by_label("Country").select_option("US")
    page.get_by_role("button", name="Place order").click()

    expect(page.get_by_role("heading", name=f"Thank you, {name}!")).to_be_visible()
    assert re.search(r"/orders/[^/?]+\?email=", page.url)
    expect(page.locator(".cart-table tbody")).to_contain_text(product_name)
    expect(page.locator(".cart-table tbody")).to_contain_text(price)
    expect(page.locator("[data-cart-count]")).to_have_text("0")  # the order emptied the cart
    return product_name


@pytest.mark.slow
def test_buy_a_product_from_the_home_page(browser: Browser, storefront_url: str) -> None:
    context, page, browser_errors = open_page(browser, javascript=True)
    try:
        buy_from_the_home_page(
            page, storefront_url, javascript=True, email="grace@example.com", name="Grace Hopper"
        )
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)
    finally:
        context.close()
    assert SCREENSHOT.stat().st_size > 10_000
    assert browser_errors == [], "the browser reported errors (a script failure or a blocked resource)"


@pytest.mark.slow
def test_the_same_purchase_works_without_javascript(browser: Browser, storefront_url: str) -> None:
    context, page, browser_errors = open_page(browser, javascript=False)
    try:
        buy_from_the_home_page(
            page, storefront_url, javascript=False, email="alan@example.com", name="Alan Turing"
        )
    finally:
        context.close()
    assert browser_errors == []
