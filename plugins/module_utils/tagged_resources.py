# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pure helpers for finding resources by tag; no AWS calls, unit-tested in tests/unit."""

from __future__ import annotations

import re


def tag_filters(tags):
    """Resource Groups Tagging API TagFilters that match every key=value of ``tags``."""
    return [{"Key": key, "Values": [value]} for key, value in sorted(tags.items())]


def tags_match(resource_tags, wanted):
    """True when ``resource_tags`` carries every key=value of ``wanted`` (extra tags allowed)."""
    return all(resource_tags.get(key) == value for key, value in wanted.items())


def service_of(arn):
    """The service part of an ARN (``arn:aws:ecr:...`` -> ``ecr``)."""
    parts = arn.split(":", 5)
    return parts[2] if len(parts) > 2 else ""


def resource_type_of(arn):
    """``service:type`` of an ARN, the form the Resource Groups Tagging API uses (``ecr:repository``)."""
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return service_of(arn)
    service, resource = parts[2], parts[5]
    if service == "s3":
        return "s3:object" if "/" in resource else "s3:bucket"
    # The type is the resource part up to its first separator: "repository/x", "db:name", "log-group:/x".
    kind = re.split(r"[:/]", resource, maxsplit=1)[0] if re.search(r"[:/]", resource) else ""
    return f"{service}:{kind}" if kind else service


def sweep_result(arn, tags):
    return {"arn": arn, "service": service_of(arn), "resource_type": resource_type_of(arn), "tags": tags}
