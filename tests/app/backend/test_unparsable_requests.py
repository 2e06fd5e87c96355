"""Requests aiohttp cannot parse (oversized URL or header, too many headers, broken framing) get the API's
JSON error with a request id, logged at INFO without a traceback (issue #10, item 6)."""

from __future__ import annotations

import pytest
from storefront.backend.app import create_app
from storefront.backend.config import BackendConfig

from tests.app.raw_http import check_unparsable_requests


async def test_unparsable_requests_get_a_json_400_with_a_request_id(
    backend_config: BackendConfig, caplog: pytest.LogCaptureFixture
) -> None:
    await check_unparsable_requests(create_app(backend_config), caplog)
