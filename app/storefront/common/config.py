"""Configuration from environment variables, the only source, read with pydantic-settings.

Each service's settings class names a field after its variable (`port` is read from PORT), so a
variable's type, bounds and default are declared once, on the field. `from_env(environ)` reads a given
mapping (tests pass a plain dict) or `os.environ`. An empty variable counts as unset, which is what a Helm
chart rendering `""` means. A bad value is refused with a message that names the variable:
`PORT must be <= 65535, got '70000'`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Self

from pydantic import BeforeValidator, ValidationError
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict
from pydantic_settings.sources.utils import parse_env_vars


class ConfigError(ValueError):
    """An environment variable holds a value the service cannot use."""


LogLevel = Annotated[
    Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"],
    BeforeValidator(lambda value: value.strip().upper() if isinstance(value, str) else value),
]

# What a variable must hold, by pydantic's error type; the failing value is quoted after it. A failing
# custom validator (`value_error`) says it all itself, without the value: URLs may carry passwords.
_REQUIREMENTS = {
    "int_parsing": "must be an integer",
    "int_from_float": "must be an integer",
    "float_parsing": "must be a number",
    "bool_parsing": "must be one of true/false/1/0/yes/no/on/off",
    "greater_than": "must be greater than {gt}",
    "greater_than_equal": "must be >= {ge}",
    "less_than_equal": "must be <= {le}",
    "literal_error": "must be {expected}",
}


def _describe(error: ValidationError) -> str:
    messages = []
    for problem in error.errors(include_url=False):
        variable = str(problem["loc"][0]).upper() if problem["loc"] else "configuration"
        requirement = _REQUIREMENTS.get(problem["type"])
        if requirement is None:
            reason = problem.get("ctx", {}).get("error", problem["msg"])
            messages.append(f"{variable} {reason}")
        else:
            requirement = requirement.format(**problem.get("ctx", {}))
            messages.append(f"{variable} {requirement}, got {problem['input']!r}")
    return "; ".join(messages)


class _Environment(EnvSettingsSource):
    """pydantic-settings' environment source, over a given mapping instead of os.environ."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return parse_env_vars(
            self._environ, self.case_sensitive, self.env_ignore_empty, self.env_parse_none_str
        )


class ServiceSettings(BaseSettings):
    """What both services read: where to listen and how to log."""

    model_config = SettingsConfigDict(
        frozen=True, env_ignore_empty=True, case_sensitive=False, extra="ignore"
    )

    host: str = "127.0.0.1"
    log_level: LogLevel = "INFO"
    # One JSON line per request; off where the load balancer's access log already records every request.
    access_log: bool = True

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource, *_: Any, **__: Any
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Constructing a settings object reads nothing by itself (tests build them from keywords);
        # `from_env` is the one place the environment comes in.
        return (init_settings,)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        values = _Environment(cls, os.environ if environ is None else environ)()
        try:
            return cls(**values)
        except ValidationError as error:
            raise ConfigError(_describe(error)) from None
