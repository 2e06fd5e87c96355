"""Configuration comes from the environment only; bad values are refused with a message that says why."""

from __future__ import annotations

import pytest
from storefront.common.config import ConfigError
from storefront.frontend.config import FrontendConfig
from yarl import URL


def test_defaults_from_an_empty_environment() -> None:
    config = FrontendConfig.from_env({})
    assert (config.host, config.port) == ("127.0.0.1", 8080)
    assert config.backend_url == URL("http://127.0.0.1:8081")
    assert config.backend_connect_timeout == 2.0
    assert config.backend_read_timeout == 15.0
    assert config.backend_max_connections == 100
    assert config.log_level == "INFO"
    assert config.access_log is True


def test_values_from_the_environment() -> None:
    config = FrontendConfig.from_env(
        {
            "HOST": "10.0.0.5",
            "PORT": "9000",
            "BACKEND_URL": "http://backend.shop.svc:8081/",
            "BACKEND_CONNECT_TIMEOUT": "0.5",
            "BACKEND_READ_TIMEOUT": "30",
            "BACKEND_MAX_CONNECTIONS": "20",
            "LOG_LEVEL": "debug",
            "ACCESS_LOG": "false",
        }
    )
    assert (config.host, config.port) == ("10.0.0.5", 9000)
    assert config.backend_url == URL("http://backend.shop.svc:8081")
    assert (config.backend_connect_timeout, config.backend_read_timeout) == (0.5, 30.0)
    assert config.backend_max_connections == 20
    assert config.log_level == "DEBUG"
    assert config.access_log is False


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("BACKEND_URL", "ftp://backend", r"BACKEND_URL must be an http\(s\) URL"),
        ("BACKEND_URL", "backend:8081", r"BACKEND_URL must be an http\(s\) URL"),
        ("PORT", "http", "PORT must be an integer"),
        ("PORT", "70000", "PORT must be <= 65535"),
        ("BACKEND_READ_TIMEOUT", "0", "BACKEND_READ_TIMEOUT must be greater than 0"),
        ("BACKEND_MAX_CONNECTIONS", "0", "BACKEND_MAX_CONNECTIONS must be >= 1"),
    ],
)
def test_bad_values_are_refused(variable: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        FrontendConfig.from_env({variable: value})
