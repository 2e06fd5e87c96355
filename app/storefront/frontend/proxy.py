"""``/api/*`` passed through to the backend, streaming both ways (RFC 9110 section 7.6, intermediaries)."""

from __future__ import annotations

import logging

import aiohttp
from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy, istr
from yarl import URL

from storefront.common.middlewares import REQUEST_ID_HEADER, REQUEST_ID_KEY, error_response

from .keys import BACKEND_ORIGIN_KEY, BACKEND_SESSION_KEY

log = logging.getLogger(__name__)

# Connection-specific headers (RFC 9110 7.6.1) describe one hop, never the message.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
# Host is the backend's, and each side frames the body anew (aiohttp sets Content-Length or chunks).
REFRAMED = frozenset({"host", "content-length"})
# Never passed on, in either direction; computed once, not per request.
NOT_FORWARDED = HOP_BY_HOP | REFRAMED
# The same as istr, whose case-folded form multidict keeps: looking one up folds nothing per request.
_NOT_FORWARDED_ISTR = tuple(istr(name) for name in sorted(NOT_FORWARDED))
CHUNK_SIZE = 64 * 1024


def end_to_end_headers(headers: CIMultiDictProxy[str]) -> CIMultiDict[str]:
    """A copy of ``headers`` without hop-by-hop ones, including any the Connection header names."""
    kept = CIMultiDict(headers)  # copied whole in C, then the few excluded names present dropped
    if "Connection" in headers:
        named = (
            token.strip().lower() for value in headers.getall("Connection") for token in value.split(",")
        )
        for name in NOT_FORWARDED.union(named).intersection(map(str.lower, headers.keys())):
            kept.popall(name)
        return kept
    # The usual message names no extra hop-by-hop header: a fixed list of lookups, and no lower-cased
    # (newly hashed) copy of each name.
    for name in _NOT_FORWARDED_ISTR:
        if name in kept:
            del kept[name]
    return kept


def upstream_request_headers(request: web.Request) -> CIMultiDict[str]:
    headers = end_to_end_headers(request.headers)
    if request.body_exists and request.content_length is not None:
        headers["Content-Length"] = str(request.content_length)  # the backend enforces its body limit on it
    client = request.remote or "unknown"
    previous_hops = request.headers.get("X-Forwarded-For")
    headers["X-Forwarded-For"] = f"{previous_hops}, {client}" if previous_hops else client
    # Behind the ALB the original scheme and host arrive already; the first hop's word is the true one.
    headers.setdefault("X-Forwarded-Proto", request.scheme)
    headers.setdefault("X-Forwarded-Host", request.host)
    headers[REQUEST_ID_HEADER] = request[REQUEST_ID_KEY]
    return headers


async def proxy_api(request: web.Request) -> web.StreamResponse:
    # The raw path and query go through byte for byte: re-encoding could change what the backend sees.
    upstream_url = URL(request.app[BACKEND_ORIGIN_KEY] + request.raw_path, encoded=True)
    try:
        upstream = await request.app[BACKEND_SESSION_KEY].request(
            request.method,
            upstream_url,
            headers=upstream_request_headers(request),
            data=request.content if request.body_exists else None,
            allow_redirects=False,
        )
    except TimeoutError:  # aiohttp's connect and read timeouts both subclass it
        log.warning("backend timed out", extra={"upstream": str(upstream_url)})
        return error_response(504, "gateway_timeout", "The backend did not answer in time.")
    except aiohttp.ClientError as error:
        log.warning("backend unreachable: %s", error, extra={"upstream": str(upstream_url)})
        return error_response(502, "bad_gateway", "The backend cannot be reached.")

    async with upstream:
        headers = end_to_end_headers(upstream.headers)
        length = upstream.content_length
        if length is not None and length <= CHUNK_SIZE:
            # Most API answers are small JSON documents: one read and one write cost less CPU than the
            # streaming loop (headers and body leave in one send), and hold no more memory than a chunk.
            try:
                body = await upstream.read()
            except (TimeoutError, aiohttp.ClientError) as error:
                log.warning("backend failed mid-body: %r", error, extra={"upstream": str(upstream_url)})
                return error_response(502, "bad_gateway", "The backend answer was cut short.")
            return web.Response(status=upstream.status, reason=upstream.reason, headers=headers, body=body)

        # Sent before the service layer sees the response, so the id is set here (a whole answer gets it
        # from the service layer).
        headers[REQUEST_ID_HEADER] = request[REQUEST_ID_KEY]
        response = web.StreamResponse(status=upstream.status, reason=upstream.reason, headers=headers)
        if length is not None:
            response.content_length = length
        await response.prepare(request)
        try:
            async for chunk in upstream.content.iter_chunked(CHUNK_SIZE):
                await response.write(chunk)
        except (TimeoutError, aiohttp.ClientError) as error:
            # The status line has been sent; cutting the connection is the only honest signal left, so the
            # client sees a truncated body rather than a short one that looks complete.
            log.warning("backend failed mid-body: %r", error, extra={"upstream": str(upstream_url)})
            if request.transport is not None:
                request.transport.close()
            return response
        await response.write_eof()
    return response
