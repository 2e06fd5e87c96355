"""The backend's domain errors, on top of the shared ones (`storefront.common.errors`)."""

from __future__ import annotations

from storefront.common.errors import Conflict, Unprocessable


class InsufficientStock(Conflict):
    code = "insufficient_stock"


class EmptyCart(Unprocessable):
    code = "cart_empty"


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
