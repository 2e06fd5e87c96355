# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The storefront's static assets as S3 objects: which keys, with which headers, and what to upload.

The storefront's frontend (app/storefront/frontend/static_assets.py) serves every file under two names:
``app.css`` (revalidated every time) and ``app.<first 8 hex digits of its SHA-256>.css`` (immutable).
Its pages link the hashed names, so the bucket behind CloudFront's ``/static/*`` must hold exactly the
same names with the same headers; tests/unit checks that both sides compute the same names.

The headers of an object are only known from a HeadObject each (a listing gives the ETag and LastModified,
not the headers). So that a converged bucket costs a listing, not a HeadObject per object, the module keeps
a record in the bucket (outside the prefix, so CloudFront never serves it): for each object, the ETag and
LastModified it was listed with and the settings it then had. Any write to an object, of its content or
of its headers alone (a copy onto itself), gives it a new LastModified; an object listed exactly as the
record saw it is as the record says, and only the others are read with HeadObject. LastModified counts
whole seconds, so the record vouches only for objects written before the second of the listing it was
made from (a rewrite in that same second would keep the LastModified).
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import posixpath

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
DIGEST_LENGTH = 8
# The metadata key that records each object's content digest (an ETag is an MD5 only without KMS).
DIGEST_METADATA = "sha256"
CONTENT_TYPES = {
    ".css": "text/css",
    ".js": "text/javascript",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".webp": "image/webp",
    ".woff2": "font/woff2",
}


def hashed_name(relative, digest):
    stem, suffix = posixpath.splitext(posixpath.basename(relative))
    return posixpath.join(posixpath.dirname(relative), f"{stem}.{digest[:DIGEST_LENGTH]}{suffix}")


def content_type(name):
    suffix = posixpath.splitext(name)[1]
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def wanted_objects(root, key_prefix):
    """Every object the bucket should hold: {key: {path, sha256, content_type, cache_control}}."""
    wanted = {}
    for directory, subdirectories, files in os.walk(root):
        subdirectories.sort()
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = os.path.join(directory, name)
            relative = os.path.relpath(path, root).replace(os.sep, "/")
            with open(path, "rb") as handle:
                digest = hashlib.sha256(handle.read()).hexdigest()
            names = ((relative, REVALIDATE), (hashed_name(relative, digest), IMMUTABLE))
            for key_name, cache_control in names:
                wanted[key_prefix + key_name] = {
                    "path": path,
                    "sha256": digest,
                    "content_type": content_type(name),
                    "cache_control": cache_control,
                }
    return wanted


def current_object(head):
    """What a HeadObject answer says about the settings this module manages."""
    return {
        "sha256": (head.get("Metadata") or {}).get(DIGEST_METADATA),
        "content_type": head.get("ContentType"),
        "cache_control": head.get("CacheControl"),
    }


def needs_upload(wanted, current):
    """True when the object is missing or differs in content or headers."""
    if current is None:
        return True
    return any(current.get(key) != wanted[key] for key in ("sha256", "content_type", "cache_control"))


# The record of each prefix lives under this directory, outside the prefix.
RECORD_DIRECTORY = ".s3_static_assets/"
RECORD_VERSION = 1
SETTINGS = ("sha256", "content_type", "cache_control")


def record_key(key_prefix):
    return f"{RECORD_DIRECTORY}{key_prefix}record.json"


def listing_of(contents):
    """{key: {etag, last_modified}} of a ListObjectsV2 ``Contents``; LastModified in whole epoch seconds.
    The record's own directory is left out (it falls under an empty prefix)."""
    return {
        item["Key"]: {"etag": item["ETag"], "last_modified": int(item["LastModified"].timestamp())}
        for item in contents
        if not item["Key"].startswith(RECORD_DIRECTORY)
    }


def vouched_settings(record, listing):
    """{key: settings} of the listed objects the record vouches for: listed with the ETag and LastModified
    the record saw, and written before the second of the listing the record was made from."""
    if not isinstance(record, dict) or record.get("version") != RECORD_VERSION:
        return {}
    listed_at = record.get("listed_at", 0)
    vouched = {}
    for key, entry in (record.get("objects") or {}).items():
        now = listing.get(key)
        if (
            now is not None
            and entry.get("etag") == now["etag"]
            and entry.get("last_modified") == now["last_modified"]
            and now["last_modified"] < listed_at
        ):
            vouched[key] = {name: entry.get(name) for name in SETTINGS}
    return vouched


def new_record(listing, listed_at, settings_by_key):
    """The record of ``settings_by_key`` (the settings each object now has) for the objects of ``listing``
    (made at ``listed_at``, epoch seconds of the listing's Date) written before that second."""
    return {
        "version": RECORD_VERSION,
        "listed_at": listed_at,
        "objects": {
            key: {**listing[key], **{name: settings[name] for name in SETTINGS}}
            for key, settings in sorted(settings_by_key.items())
            if key in listing and listing[key]["last_modified"] < listed_at
        },
    }


def record_text(record):
    return json.dumps(record, sort_keys=True, separators=(",", ":"))


def parse_record(text):
    """The record from its JSON text; {} for anything unreadable (every object is then read again)."""
    try:
        record = json.loads(text)
    except ValueError:
        return {}
    return record if isinstance(record, dict) else {}
