"""Requests aiohttp cannot parse get the frontend's JSON error with a request id, logged at INFO without a
traceback, as on the backend (issue #10, item 6)."""

from __future__ import annotations

import pytest
from storefront.frontend import FrontendConfig, create_app

from tests.app.raw_http import check_unparsable_requests


async def test_unparsable_requests_get_a_json_400_with_a_request_id(
    frontend_config: FrontendConfig, caplog: pytest.LogCaptureFixture
) -> None:
    await check_unparsable_requests(create_app(frontend_config), caplog)
