"""The backend's domain errors, on top of the shared ones (`storefront.common.errors`)."""

from __future__ import annotations

from storefront.common.errors import Conflict


class InsufficientStock(Conflict):
    code = "insufficient_stock"


class EmptyCart(Conflict):
    """A state conflict, not a malformed request: the same request succeeds once the cart holds items."""

    code = "cart_empty"


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
