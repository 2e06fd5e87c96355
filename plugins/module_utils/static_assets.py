# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The storefront's static assets as S3 objects: which keys, with which headers, and what to upload.

The storefront's frontend (app/storefront/frontend/static_assets.py) serves every file under two names:
``app.css`` (revalidated every time) and ``app.<first 8 hex digits of its SHA-256>.css`` (immutable).
Its pages link the hashed names, so the bucket behind CloudFront's ``/static/*`` must hold exactly the
same names with the same headers; tests/unit checks that both sides compute the same names.
"""

from __future__ import annotations

import hashlib
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
