"""Integers from text (path segments, query values, form fields), parsed one way in both services.

The OpenAPI document types ids, pages and quantities as JSON Schema `integer`, which admits any JSON
number with an integral value: "36" and "36.0" both name 36. Python's `int()` is far looser ("+36",
"3_6", " 36", "036", and digits of every script such as "٣٦" or "²", which it may then refuse with
ValueError after `str.isdigit()` let them through), so it is never applied to raw input directly.
"""

from __future__ import annotations

import re
from decimal import Decimal

# JSON's number grammar (RFC 8259 section 6), ASCII digits only.
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
# Longer spellings are refused before any arithmetic: no id, page or quantity needs them.
_MAX_SPELLING = 32
_MAX_DIGITS = 19


def parse_integer(raw: str) -> int | None:
    """The integer that `raw` spells as a JSON number, or None when it spells none."""
    if len(raw) > _MAX_SPELLING or not _JSON_NUMBER.fullmatch(raw):
        return None
    if raw.isdigit():  # the common case, and safe: the pattern admitted ASCII digits only
        return int(raw)
    value = Decimal(raw)
    if value.adjusted() >= _MAX_DIGITS or value != value.to_integral_value():
        return None
    return int(value)
