"""The shared plumbing: configuration readers and JSON logs."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from storefront.backend.config import BackendConfig
from storefront.common import logs
from storefront.common.config import ConfigError
from storefront.common.logs import JsonFormatter, request_id_var


def test_backend_config_defaults_and_overrides() -> None:
    default = BackendConfig.from_env({})
    assert (default.host, default.port, default.cache_ttl_seconds, default.cache_enabled) == (
        "127.0.0.1",
        8081,
        300,
        True,
    )
    custom = BackendConfig.from_env(
        {
            "PORT": "9000",
            "REDIS_URL": "rediss://cache.internal:6379/0",
            "REDIS_PASSWORD": "s3cret",
            "CACHE_ENABLED": "false",
            "CACHE_TTL_SECONDS": "60",
            "LOG_LEVEL": "debug",
        }
    )
    assert (custom.port, custom.cache_enabled, custom.cache_ttl_seconds, custom.log_level) == (
        9000,
        False,
        60,
        "DEBUG",
    )
    assert custom.redis_password == "s3cret"
    assert "s3cret" not in repr(custom)


@pytest.mark.parametrize(
    "environ",
    [
        {"PORT": "http"},
        {"PORT": "70000"},
        {"CACHE_ENABLED": "maybe"},
        {"CACHE_TTL_SECONDS": "0"},
        {"REDIS_URL": "http://localhost"},
        {"DATABASE_URL": "mysql://db"},
        {"LOG_LEVEL": "chatty"},
    ],
)
def test_backend_config_refuses_unusable_values(environ: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match=next(iter(environ))):
        BackendConfig.from_env(environ)


def test_empty_variables_count_as_unset_and_booleans_read_as_people_write_them() -> None:
    config = BackendConfig.from_env(
        {"CACHE_TTL_SECONDS": "", "CACHE_ENABLED": "", "CART_COOKIE_SECURE": "On"}
    )
    assert (config.cache_ttl_seconds, config.cache_enabled, config.cart_cookie_secure) == (300, True, True)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"PORT": "http"}, "PORT must be an integer, got 'http'"),
        ({"PORT": "70000"}, "PORT must be <= 65535, got '70000'"),
        ({"CACHE_TTL_SECONDS": "0"}, "CACHE_TTL_SECONDS must be >= 1, got '0'"),
        ({"REDIS_TIMEOUT_SECONDS": "soon"}, "REDIS_TIMEOUT_SECONDS must be a number, got 'soon'"),
        ({"LOG_LEVEL": "chatty"}, "LOG_LEVEL must be 'DEBUG', 'INFO', 'WARNING', 'ERROR' or 'CRITICAL'"),
        ({"REDIS_URL": "http://:hunter2@cache"}, "REDIS_URL must start with redis:// or rediss://"),
    ],
)
def test_messages_name_the_variable_and_keep_urls_out(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as refused:
        BackendConfig.from_env(environ)
    assert message in str(refused.value)
    assert "hunter2" not in str(refused.value)


def test_json_log_lines_carry_the_request_id_and_extras() -> None:
    record = logging.LogRecord("storefront.test", logging.WARNING, __file__, 1, "hello %s", ("world",), None)
    record.operation = "get"
    token = request_id_var.set("req-42")
    try:
        line = json.loads(JsonFormatter("backend").format(record))
    finally:
        request_id_var.reset(token)
    assert line["message"] == "hello world"
    assert (line["level"], line["service"], line["request_id"], line["operation"]) == (
        "WARNING",
        "backend",
        "req-42",
        "get",
    )


async def test_access_lines_are_json_batched_and_flushed_at_exit(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    logs.configure_logging("backend", "INFO")
    try:
        access = logs.JsonAccessLogger(logging.getLogger("aiohttp.access"), "")
        for path in ('/api/v1/products/"quoted"', "/caf\u00e9", "/three"):
            response = web.Response(status=200, headers={"X-Request-ID": "req-7"})
            access.log(make_mocked_request("GET", path), response, 0.0012)
        logging.getLogger("storefront.test").warning("after the requests")
    finally:
        logs._flush_logs()  # what atexit does: nothing pending is lost
        root.handlers[:], root.level = handlers, level
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    # Access lines gathered before a record are written before it.
    assert lines.pop()["message"] == "after the requests"
    assert [line["path"] for line in lines] == ['/api/v1/products/"quoted"', "/caf\u00e9", "/three"]
    assert all(
        (line["level"], line["service"], line["logger"], line["request_id"], line["status"])
        == ("INFO", "backend", "aiohttp.access", "req-7", 200)
        for line in lines
    )
    assert lines[0]["duration_ms"] == 1.2
    assert set(lines[0]) == {
        "time", "level", "service", "logger", "message", "request_id", "method", "path", "status",
        "duration_ms", "remote",
    }  # fmt: skip
    assert lines[0]["message"] == 'GET /api/v1/products/"quoted" 200'
    stamp = datetime.fromisoformat(lines[0]["time"])  # as JsonFormatter writes it: UTC, milliseconds
    assert stamp.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - stamp) < timedelta(minutes=5)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", lines[0]["time"])
