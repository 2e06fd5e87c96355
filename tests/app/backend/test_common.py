"""The shared plumbing: configuration readers and JSON logs."""

from __future__ import annotations

import json
import logging

import pytest
from storefront.backend.config import BackendConfig
from storefront.common.config import ConfigError, env_bool, env_int
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


def test_env_readers_treat_empty_as_unset() -> None:
    assert env_int({"N": ""}, "N", 7) == 7
    assert env_bool({"B": ""}, "B", True) is True
    assert env_bool({"B": "Off"}, "B", True) is False


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
