"""Fidelity patches for the RDS resources of the services phase (rds.py holds the instance patches)."""

from __future__ import annotations

from typing import Any

from sandbox.aws.fidelity import patch


@patch
def tagging_api_covers_rds_groups() -> None:
    """Resource Groups Tagging API GetResources lists DB subnet groups (``rds:subgrp``) and DB parameter
    groups (``rds:pg``), as AWS does; moto lists only instances, clusters, snapshots and proxies.

    teardown.yml's sweep asks that API for anything still tagged with the project; without this patch a
    left-over subnet or parameter group would go unseen in the sandbox.
    """
    from moto.core.resource_tagging import TaggedResource
    from moto.rds.models import RDSBackend

    original = RDSBackend.iter_tagged_resources
    if getattr(original, "_covers_rds_groups", False):
        return

    def iter_tagged_resources(self: Any) -> Any:
        yield from original(self)
        for resource_type, groups in (
            ("rds:subgrp", self.subnet_groups),
            ("rds:pg", self.db_parameter_groups),
        ):
            for group in groups.values():
                tags = {tag["Key"]: tag["Value"] for tag in group.get_tags()}
                yield TaggedResource(arn=group.arn, tags=tags, resource_type=resource_type)

    iter_tagged_resources._covers_rds_groups = True  # type: ignore[attr-defined]
    RDSBackend.iter_tagged_resources = iter_tagged_resources
