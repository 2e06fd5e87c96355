"""HTML error pages for the pages, and the cache policy of HTML.

Page views are wrapped in `page` (routes.py), which shows their failures as error pages; an address no
route serves, or a method a page does not take, is shown as a page by `http_error_page`, which the
service layer (request id, metrics, JSON errors; storefront.common.middlewares) asks before answering an
HTTP error in JSON. The proxy's /api answers, the static files, the probes and anything unexpected get the
JSON treatment. None of it is an aiohttp middleware: their chain costs every request, the proxied ones
too.
"""

from __future__ import annotations

import functools
import logging

import aiohttp_jinja2
from aiohttp import web

from storefront.common.middlewares import Handler

from .backend_client import BackendError, BackendTimeout, BackendUnavailable

log = logging.getLogger(__name__)

# HTML is never cached by CloudFront or the browser without asking again: it names the hashed assets, so a
# stale page would point at yesterday's CSS. (Static files set their own, immutable, policy.)
HTML_CACHE_CONTROL = "no-cache"
# Everything the pages load comes from this origin; no inline script can run.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
ERROR_TITLES = {
    400: "That request did not make sense",
    404: "Page not found",
    405: "Method not allowed",
    413: "That form was too large",
    502: "The shop is unavailable",
    504: "The shop is taking too long",
}

# What a shopper is told where aiohttp's reason phrase would not help them.
PAGE_ERROR_MESSAGES = {
    404: "There is nothing at this address.",
    405: "There is nothing at this address.",
    413: "The form sent more data than the shop accepts.",
}


def is_page(request: web.Request) -> bool:
    return not request.path.startswith(("/api/", "/static/")) and request.path not in {
        "/healthz",
        "/readyz",
        "/metrics",
    }


def error_page(request: web.Request, status: int, message: str) -> web.Response:
    context = {
        "status": status,
        "title": ERROR_TITLES.get(status, "Something went wrong"),
        "message": message,
    }
    return with_html_headers(aiohttp_jinja2.render_template("error.html", request, context, status=status))


def page(view: Handler) -> Handler:
    """`view`, with its failures shown as HTML error pages."""

    @functools.wraps(view)
    async def serve_page(request: web.Request) -> web.StreamResponse:
        try:
            return with_html_headers(await view(request))
        except BackendUnavailable as error:
            log.warning("page needs the backend, which is unreachable: %s", error)
            return error_page(
                request, 502, "We cannot reach the shop right now. Please try again in a moment."
            )
        except BackendTimeout as error:
            log.warning("page needs the backend, which timed out: %s", error)
            return error_page(request, 504, "The shop did not answer in time. Please try again in a moment.")
        except BackendError as error:
            if error.status >= 500:
                log.warning("backend error behind a page: %s", error)
                return error_page(request, 502, "The shop had a problem answering. Please try again.")
            return error_page(request, error.status, error.message)
        except web.HTTPException as error:
            if error.status < 400:
                raise
            return error_page(request, error.status, PAGE_ERROR_MESSAGES.get(error.status, error.reason))

    return serve_page


def http_error_page(request: web.Request, error: web.HTTPException) -> web.Response | None:
    """The page for an HTTP error the router raised (no such address, a method the page does not take), if
    the address is a page's; None for /api, /static and the probes, which answer JSON."""
    if not is_page(request):
        return None
    return error_page(request, error.status, PAGE_ERROR_MESSAGES.get(error.status, error.reason))


def with_html_headers(response: web.StreamResponse) -> web.StreamResponse:
    """The cache and security policy of an HTML answer (errors included) set on `response`, if it is HTML.
    Only pages are: setting this on each page answer costs the /api proxy nothing, where an
    on_response_prepare signal ran for every response."""
    if response.content_type == "text/html":
        response.headers.setdefault("Cache-Control", HTML_CACHE_CONTROL)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
