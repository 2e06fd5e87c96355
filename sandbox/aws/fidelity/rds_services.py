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


@patch
def rds_parameter_group_not_found() -> None:
    """DescribeDBParameterGroups for a name that does not exist answers DBParameterGroupNotFound, as AWS
    does; moto answers an empty list (amazon.aws.rds_instance_param_group then fails with
    "list index out of range")."""
    from moto.rds.exceptions import DBParameterGroupNotFoundError
    from moto.rds.models import RDSBackend

    original = RDSBackend.describe_db_parameter_groups
    if getattr(original, "_raises_not_found", False):
        return

    def describe_db_parameter_groups(self: Any, db_parameter_group_kwargs: dict[str, Any]) -> Any:
        groups = original(self, db_parameter_group_kwargs)
        name = db_parameter_group_kwargs.get("db_parameter_group_name")
        if name and not groups:
            raise DBParameterGroupNotFoundError(name)
        return groups

    describe_db_parameter_groups._raises_not_found = True  # type: ignore[attr-defined]
    RDSBackend.describe_db_parameter_groups = describe_db_parameter_groups


# The engine defaults AWS lists for every PostgreSQL parameter group (a few of its ~350 parameters: those
# the platform sets or may set). AWS: rds.force_ssl defaults to 0 up to PostgreSQL 15 and to 1 from 16 on.
POSTGRES_PARAMETERS = {
    "rds.force_ssl": ("boolean", "dynamic", "0,1", "Force SSL connections."),
    "log_min_duration_statement": (
        "integer",
        "dynamic",
        "-1-2147483647",
        "Sets the minimum execution time above which statements will be logged.",
    ),
    "log_connections": ("boolean", "dynamic", "0,1", "Logs each successful connection."),
    "rds.logical_replication": ("boolean", "static", "0,1", "Enables logical decoding."),
}


def postgres_defaults(family: str) -> dict[str, dict[str, Any]]:
    major = int(family.removeprefix("postgres").split(".")[0])
    defaults = {
        "rds.force_ssl": "1" if major >= 16 else "0",
        "log_connections": "0",
        "rds.logical_replication": "0",
    }
    parameters = {}
    for name, (data_type, apply_type, allowed, description) in POSTGRES_PARAMETERS.items():
        parameter = {
            "ParameterName": name,
            "Description": description,
            "Source": "engine-default",
            "ApplyType": apply_type,
            "DataType": data_type,
            "AllowedValues": allowed,
            "IsModifiable": True,
            "ApplyMethod": "pending-reboot",
        }
        if name in defaults:
            parameter["ParameterValue"] = defaults[name]
        parameters[name] = parameter
    return parameters


@patch
def rds_parameter_group_engine_defaults() -> None:
    """DescribeDBParameters lists the family's engine-default parameters, with DataType and IsModifiable,
    as AWS does, and a modified parameter keeps them (Source becomes ``user``); moto lists only the
    parameters set through ModifyDBParameterGroup, as given. amazon.aws.rds_instance_param_group looks a
    parameter up in that list ("not an available parameter" otherwise) and reads its DataType."""
    from moto.rds.models import DBParameterGroup

    original_init = DBParameterGroup.__init__
    if getattr(original_init, "_engine_defaults", False):
        return

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        family = self.family or ""
        if family.startswith("postgres") and family.removeprefix("postgres").split(".")[0].isdigit():
            for name, parameter in postgres_defaults(family).items():
                self.parameters[name] = parameter

    def update_parameters(self: Any, new_parameters: Any) -> None:
        for new_parameter in new_parameters:
            self.parameters[new_parameter["ParameterName"]].update(new_parameter, Source="user")

    __init__._engine_defaults = True  # type: ignore[attr-defined]
    DBParameterGroup.__init__ = __init__
    DBParameterGroup.update_parameters = update_parameters


@patch
def rds_gp3_iops() -> None:
    """RDS reports the gp3 baseline IOPS (3000 below 400 GiB) when none was asked for, as AWS does; moto
    omits Iops, and amazon.aws.rds_instance fails with ``KeyError: 'Iops'`` when it compares a gp3
    instance (the companion of rds.py's ``rds_gp3_storage_throughput``)."""
    from moto.rds.models import DBInstance

    original_init = DBInstance.__init__
    if getattr(original_init, "_gp3_iops", False):
        return

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        if getattr(self, "storage_type", None) == "gp3" and not self.iops:
            self.iops = 3000 if (self.allocated_storage or 0) < 400 else 12000

    __init__._gp3_iops = True  # type: ignore[attr-defined]
    DBInstance.__init__ = __init__
