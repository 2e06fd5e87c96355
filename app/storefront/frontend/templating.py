"""What templates can call besides aiohttp_jinja2's ``url()``: hashed asset URLs and money formatting."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .static_assets import StaticManifest

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}
PLACEHOLDER_IMAGE = "img/placeholder.svg"


def format_money(cents: int, currency: str = "USD") -> str:
    symbol = CURRENCY_SYMBOLS.get(currency)
    amount = f"{cents / 100:,.2f}"
    return f"{symbol}{amount}" if symbol else f"{amount} {currency}"


def template_globals(manifest: StaticManifest) -> dict[str, Callable[..., Any]]:
    def static_url(name: str) -> str:
        return manifest.url(name)

    def image_url(name: str | None) -> str:
        """A product image; one missing from the static files shows the placeholder, not a broken image."""
        return manifest.url(name if name and name in manifest else PLACEHOLDER_IMAGE)

    return {"static_url": static_url, "image_url": image_url}


def template_filters() -> dict[str, Callable[..., Any]]:
    return {"money": format_money}
