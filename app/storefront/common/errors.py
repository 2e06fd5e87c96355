"""Domain errors: what went wrong, in terms a client can act on. The error middleware turns them into
`{"error": {"code", "message", "details"}}` responses; handlers and repositories only raise them."""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"

    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidInput(DomainError):
    status = 400
    code = "invalid_input"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_media_type"


class Unprocessable(DomainError):
    status = 422
    code = "unprocessable"


class DependencyUnavailable(DomainError):
    """A backing service (PostgreSQL, the backend API) cannot be reached; the client may retry."""

    status = 503
    code = "service_unavailable"
