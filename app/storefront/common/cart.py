"""How a visitor's cart is named on the wire, shared by the backend (which issues it) and the frontend
(which carries it for the browser): a cookie for browsers, a header for API clients."""

from __future__ import annotations

import uuid

CART_COOKIE = "cart_id"
CART_HEADER = "X-Cart-Id"
CART_COOKIE_MAX_AGE = 30 * 24 * 3600


def parse_cart_id(raw: str | None) -> uuid.UUID | None:
    """The cart id that `raw` names; None when it names none (absent, empty, or not a UUID)."""
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None
