"""The part of Go's text/template that External Secrets' v2 templates use in this project.

Renders `{{ .key }}`, `{{ index . "key" }}`, quoted literals ("..." and `...`), pipelines into functions
(`{{ .password | urlquery }}`) and function calls (`{{ urlquery .password }}`), comments and the `{{-`/`-}}`
trim markers, over a map of strings, with `missingkey=error` as ESO sets it. Everything else (if, range,
with, variables, printf, sprig functions not listed in FUNCTIONS) is refused with TemplateError, so a
template the sandbox cannot render fails the sync instead of producing a value ESO would not.
"""

from __future__ import annotations

import base64
import binascii
import re
import urllib.parse
from collections.abc import Callable


class TemplateError(ValueError):
    """The template cannot be rendered (unsupported construct, missing key, bad argument)."""


def _b64dec(value: str) -> str:
    try:
        return base64.b64decode(value, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as error:
        raise TemplateError(f"b64dec: {error}") from error


# Go's url.QueryEscape: letters, digits and -_.~ kept, space as '+', the rest %XX (upper case).
FUNCTIONS: dict[str, Callable[[str], str]] = {
    "urlquery": lambda value: urllib.parse.quote_plus(value, safe="-_.~"),
    "b64enc": lambda value: base64.b64encode(value.encode()).decode(),
    "b64dec": _b64dec,
    "upper": str.upper,
    "lower": str.lower,
    "trim": str.strip,
    "toString": str,
}

ACTION = re.compile(r"\{\{(-\s)?(.*?)(\s-)?\}\}", re.DOTALL)
TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>"(?:[^"\\\n]|\\.)*")
      | (?P<raw>`[^`]*`)
      | (?P<field>\.[A-Za-z_][A-Za-z0-9_]*)
      | (?P<dot>\.)
      | (?P<pipe>\|)
      | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<other>\S+)
    )""",
    re.VERBOSE,
)
CONTROL = {("ident", word) for word in ("if", "else", "end", "range", "with", "define", "template", "block")}
GO_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "'": "'"}


def _unquote(literal: str) -> str:
    def escape(match: re.Match) -> str:
        char = match.group(1)
        if char not in GO_ESCAPES:
            raise TemplateError(f"unsupported escape \\{char} in {literal}")
        return GO_ESCAPES[char]

    return re.sub(r"\\(.)", escape, literal[1:-1])


def _tokens(action: str) -> list[tuple[str, str]]:
    tokens = []
    position = 0
    while position < len(action):
        match = TOKEN.match(action, position)
        if match is None or match.end() == position:
            break
        position = match.end()
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
    return tokens


def _operand(kind: str, text: str, data: dict[str, str]) -> str | None:
    """The value of one operand, or None for `.` (only valid as index's first argument)."""
    if kind == "string":
        return _unquote(text)
    if kind == "raw":
        return text[1:-1]
    if kind == "field":
        key = text[1:]
        if key not in data:
            raise TemplateError(f'map has no entry for key "{key}"')
        return data[key]
    if kind == "dot":
        return None
    raise TemplateError(f"unsupported operand {text!r}")


def _command(tokens: list[tuple[str, str]], data: dict[str, str], piped: str | None) -> str:
    if not tokens:
        raise TemplateError("missing value for command")
    kind, text = tokens[0]
    if kind == "ident":
        if text == "index":
            arguments = tokens[1:]
            if piped is not None or len(arguments) != 2 or arguments[0][0] != "dot":
                raise TemplateError('only `index . "key"` is supported')
            key = _operand(*arguments[1], data)
            if key not in data:
                raise TemplateError(f'map has no entry for key "{key}"')
            return data[key]
        function = FUNCTIONS.get(text)
        if function is None:
            raise TemplateError(f'function "{text}" is not supported by the sandbox')
        arguments = [_operand(k, t, data) for k, t in tokens[1:]]
        if piped is not None:
            arguments.append(piped)
        if len(arguments) != 1 or arguments[0] is None:
            raise TemplateError(f"{text} takes exactly one string argument here")
        return function(arguments[0])
    if piped is not None or len(tokens) != 1:
        raise TemplateError(f"cannot give an argument to {text!r}")
    value = _operand(kind, text, data)
    if value is None:
        raise TemplateError("`{{ . }}` (the whole map) is not supported")
    return value


def _evaluate(action: str, data: dict[str, str]) -> str:
    tokens = _tokens(action)
    if not tokens or any(kind == "other" for kind, _ in tokens):
        raise TemplateError(f"unsupported action {{{{{action}}}}}")
    commands: list[list[tuple[str, str]]] = [[]]
    for token in tokens:
        if token[0] == "pipe":
            commands.append([])
        else:
            commands[-1].append(token)
    if any(command and command[0] in CONTROL for command in commands):
        raise TemplateError(f"control structure in {{{{{action}}}}} is not supported by the sandbox")
    value = None
    for command in commands:
        value = _command(command, data, value)
    return value


def render(template: str, data: dict[str, str]) -> str:
    """Render `template` with `data` (the ExternalSecret's values by secretKey)."""
    output: list[str] = []
    position = 0
    for match in ACTION.finditer(template):
        text = template[position : match.start()]
        if match.group(1):
            text = text.rstrip(" \t\r\n")
        output.append(text)
        action = match.group(2).strip()
        if not (action.startswith("/*") and action.endswith("*/")):
            output.append(_evaluate(action, data))
        position = match.end()
        if match.group(3):
            while position < len(template) and template[position] in " \t\r\n":
                position += 1
    rest = template[position:]
    if "{{" in rest:
        raise TemplateError("unclosed action")
    output.append(rest)
    return "".join(output)
