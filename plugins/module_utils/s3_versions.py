# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pure helpers for emptying a versioned S3 bucket; no AWS calls, unit-tested in tests/unit."""

from __future__ import annotations

# DeleteObjects takes at most 1000 keys per call.
DELETE_BATCH = 1000


def object_versions(pages):
    """``(versions, delete_markers)`` of ListObjectVersions pages, each a ``{"Key", "VersionId"}`` dict.

    The VersionId is kept as S3 gave it, ``"null"`` included: the version written while versioning was
    off or suspended is deleted only by naming VersionId "null". Without a VersionId, DeleteObject on a
    versioned bucket deletes nothing and adds a delete marker (what upstream s3_bucket force does, leaving
    the bucket not empty).
    """
    versions, markers = [], []
    for page in pages:
        versions += [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in page.get("Versions", [])]
        markers += [{"Key": m["Key"], "VersionId": m["VersionId"]} for m in page.get("DeleteMarkers", [])]
    return versions, markers


def delete_batches(objects, size=DELETE_BATCH):
    """DeleteObjects ``Delete`` arguments, at most ``size`` objects each, quiet (only errors answered)."""
    return [{"Objects": objects[i : i + size], "Quiet": True} for i in range(0, len(objects), size)]
