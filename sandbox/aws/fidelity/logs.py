"""Fidelity patches for CloudWatch Logs."""

from __future__ import annotations

from typing import Any

from sandbox.aws.fidelity import patch


@patch
def tagging_api_log_group_type() -> None:
    """Resource Groups Tagging API names the log group type ``logs:log-group``, as AWS does (moto says
    ``logs:loggroup``), so that a ResourceTypeFilters of ``logs:log-group`` finds them."""
    from moto.core.resource_tagging import TaggedResource
    from moto.logs.models import LogsBackend

    original = LogsBackend.iter_tagged_resources
    if getattr(original, "_aws_type_names", False):
        return

    def iter_tagged_resources(self: Any) -> Any:
        for resource in original(self):
            if resource.resource_type == "logs:loggroup":
                resource = TaggedResource(
                    arn=resource.arn, tags=resource.tags, resource_type="logs:log-group"
                )
            yield resource

    iter_tagged_resources._aws_type_names = True  # type: ignore[attr-defined]
    LogsBackend.iter_tagged_resources = iter_tagged_resources
