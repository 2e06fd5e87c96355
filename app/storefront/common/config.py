"""Typed readers for configuration held in environment variables (the only source of configuration).

Each reader takes the environment as a mapping so that tests pass a plain dict instead of patching
`os.environ`. An empty variable counts as unset, which is what a Helm chart rendering `""` means.
"""

from __future__ import annotations

from collections.abc import Mapping

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


class ConfigError(ValueError):
    """An environment variable holds a value the service cannot use."""


def env_str(environ: Mapping[str, str], name: str, default: str) -> str:
    return environ.get(name) or default


def env_optional_str(environ: Mapping[str, str], name: str) -> str | None:
    return environ.get(name) or None


def env_int(
    environ: Mapping[str, str],
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    raw = environ.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ConfigError(f"{name} must be <= {maximum}, got {value}")
    return value


def env_float(environ: Mapping[str, str], name: str, default: float, *, positive: bool = True) -> float:
    raw = environ.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if positive and value <= 0:
        raise ConfigError(f"{name} must be greater than 0, got {raw!r}")
    return value


def env_bool(environ: Mapping[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name)
    if not raw:
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigError(f"{name} must be one of true/false/1/0/yes/no/on/off, got {raw!r}")


def env_port(environ: Mapping[str, str], name: str, default: int) -> int:
    return env_int(environ, name, default, minimum=0, maximum=65535)


def env_log_level(environ: Mapping[str, str], name: str = "LOG_LEVEL", default: str = "INFO") -> str:
    level = env_str(environ, name, default).upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise ConfigError(f"{name} must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {level!r}")
    return level
