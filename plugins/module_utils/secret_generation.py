# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pure logic of the secret_seed module: generating values a consumer accepts, and planning a secret's
JSON document without ever exposing its secret value. No AWS calls; unit-tested in tests/unit."""

from __future__ import annotations

import json
import secrets
import string

# Printable ASCII without the space (33..126).
_PRINTABLE = "".join(chr(c) for c in range(33, 127))

# What each consumer accepts, from the AWS documentation:
# - RDS (PostgreSQL) master password: 8-128 printable ASCII characters other than "/", "@", '"' and space.
# - ElastiCache AUTH token: 16-128 printable ASCII characters; "@", '"' and "/" are refused, and the only
#   other non-alphanumeric characters ElastiCache accepts are ! & # $ ^ < > -.
PROFILES = {
    "rds_master_password": {
        "alphabet": "".join(c for c in _PRINTABLE if c not in '/@" '),
        "min_length": 8,
        "max_length": 128,
    },
    "elasticache_auth_token": {
        "alphabet": string.ascii_letters + string.digits + "!&#$^<>-",
        "min_length": 16,
        "max_length": 128,
    },
    "alphanumeric": {
        "alphabet": string.ascii_letters + string.digits,
        "min_length": 8,
        "max_length": 4096,
    },
}

# Characters that every profile refuses, whatever else it allows (the rule for both consumers).
FORBIDDEN_EVERYWHERE = '/@"'

HIDDEN = "(value hidden)"
CHANGED = "(value hidden, changes)"


def length_error(profile, length):
    """A message naming the accepted range when ``length`` does not suit ``profile``; None when it does."""
    rules = PROFILES[profile]
    if not rules["min_length"] <= length <= rules["max_length"]:
        bounds = f"{rules['min_length']}-{rules['max_length']}"
        return f"{profile} values must be {bounds} characters long, not {length}"
    return None


def alphabet(profile, punctuation=True):
    """The characters a generated value of ``profile`` is drawn from."""
    chars = PROFILES[profile]["alphabet"]
    if not punctuation:
        chars = "".join(c for c in chars if c.isalnum())
    return chars


def is_acceptable(profile, value, punctuation=True):
    """True when ``value`` satisfies every rule of ``profile``."""
    allowed = set(alphabet(profile, punctuation))
    return length_error(profile, len(value)) is None and all(c in allowed for c in value)


def generate(profile, length, punctuation=True, choice=secrets.choice):
    """A random value of ``length`` characters from the profile's alphabet, with at least one lowercase
    letter, one uppercase letter and one digit (and one symbol when punctuation is allowed), so that
    password-complexity checks pass too. ``choice`` is injectable for tests; the default is the OS CSPRNG."""
    error = length_error(profile, length)
    if error:
        raise ValueError(error)
    chars = alphabet(profile, punctuation)
    classes = [string.ascii_lowercase, string.ascii_uppercase, string.digits]
    symbols = "".join(c for c in chars if not c.isalnum())
    if symbols:
        classes.append(symbols)
    while True:
        value = "".join(choice(chars) for _position in range(length))
        if all(any(c in cls for c in value) for cls in classes):
            return value


def parse_document(secret_string):
    """The JSON object a secret holds; raises ValueError when it is not one."""
    document = json.loads(secret_string)
    if not isinstance(document, dict):
        raise ValueError("the secret does not hold a JSON object")
    return document


def plan_document(current, secret_key, fields, rotate, new_value):
    """The JSON document a secret should hold, and the keys that change.

    ``current``: the document now stored (dict), or None when the secret has no value yet.
    ``secret_key``: the key of the generated value (``password``, ``auth_token``).
    ``fields``: connection fields to set (username, host, port, dbname, ...); None values are left as stored.
    ``rotate``: replace the stored secret value with ``new_value()``.
    ``new_value``: a callable that generates a value; called only when one is needed.

    Fields that are stored but not given are kept: another role may have written them.
    """
    if secret_key in fields:
        raise ValueError(f"fields must not set the secret key '{secret_key}': it is generated")
    desired = dict(current or {})
    changed_keys = []
    if current is None or secret_key not in current or rotate:
        desired[secret_key] = new_value()
        changed_keys.append(secret_key)
    for key, value in sorted(fields.items()):
        if value is None:
            continue
        if key not in desired or desired[key] != value:
            desired[key] = value
            changed_keys.append(key)
    return desired, sorted(changed_keys)


def render_document(document):
    """The SecretString for a document: compact, sorted keys, so equal documents give equal strings."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


def diff_view(document, changed_keys=()):
    """What a diff may show of a document: its keys, never a value (not even of a connection field, so
    that no value can reach a log by this path). A key whose value changes is marked as such."""
    if document is None:
        return {}
    return {key: (CHANGED if key in changed_keys else HIDDEN) for key in sorted(document)}
