"""The services phase's resource types are all visible to the Resource Groups Tagging API, as on AWS,
so that teardown.yml's sweep finds a leftover of each (secrets, DB instance, subnet and parameter groups,
snapshots, log groups, alarms)."""

from __future__ import annotations

import pytest

TAGS = [{"Key": "Project", "Value": "fidelity-services"}]


def tagged_arns(client, resource_type: str) -> list[str]:
    found = client("resourcegroupstaggingapi").get_resources(
        TagFilters=[{"Key": "Project", "Values": ["fidelity-services"]}], ResourceTypeFilters=[resource_type]
    )["ResourceTagMappingList"]
    return [m["ResourceARN"] for m in found]


def test_db_subnet_and_parameter_groups_are_listed(client) -> None:
    ec2, rds = client("ec2"), client("rds")
    vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.8.{i}.0/24", AvailabilityZone=f"us-east-1{az}")["Subnet"][
            "SubnetId"
        ]
        for i, az in ((1, "a"), (2, "b"))
    ]
    subnet_group = rds.create_db_subnet_group(
        DBSubnetGroupName="fidelity-services",
        DBSubnetGroupDescription="fidelity",
        SubnetIds=subnets,
        Tags=TAGS,
    )["DBSubnetGroup"]["DBSubnetGroupArn"]
    parameter_group = rds.create_db_parameter_group(
        DBParameterGroupName="fidelity-services",
        DBParameterGroupFamily="postgres15",
        Description="fidelity",
        Tags=TAGS,
    )["DBParameterGroup"]["DBParameterGroupArn"]
    rds.create_db_parameter_group(  # untagged: not listed
        DBParameterGroupName="fidelity-untagged", DBParameterGroupFamily="postgres15", Description="fidelity"
    )
    assert tagged_arns(client, "rds:subgrp") == [subnet_group]
    assert tagged_arns(client, "rds:pg") == [parameter_group]
    # Tags changed after creation are seen too.
    rds.remove_tags_from_resource(ResourceName=parameter_group, TagKeys=["Project"])
    assert tagged_arns(client, "rds:pg") == []
    rds.delete_db_parameter_group(DBParameterGroupName="fidelity-services")
    rds.delete_db_parameter_group(DBParameterGroupName="fidelity-untagged")
    rds.delete_db_subnet_group(DBSubnetGroupName="fidelity-services")
    assert tagged_arns(client, "rds:subgrp") == []


def test_every_services_type_is_listed(client) -> None:
    """Secrets, DB instances and snapshots, log groups and alarms: moto lists these without a patch."""
    secret = client("secretsmanager").create_secret(Name="fidelity/secret", SecretString="{}", Tags=TAGS)[
        "ARN"
    ]
    rds = client("rds")
    instance = rds.create_db_instance(
        DBInstanceIdentifier="fidelity-services",
        Engine="postgres",
        EngineVersion="15.7",
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        MasterUsername="fidelity",
        MasterUserPassword="fidelity-password",
        Tags=TAGS,
    )["DBInstance"]["DBInstanceArn"]
    snapshot = rds.create_db_snapshot(
        DBSnapshotIdentifier="fidelity-services-final", DBInstanceIdentifier="fidelity-services", Tags=TAGS
    )["DBSnapshot"]["DBSnapshotArn"]
    client("logs").create_log_group(logGroupName="/fidelity/services", tags={"Project": "fidelity-services"})
    client("cloudwatch").put_metric_alarm(
        AlarmName="fidelity-services-cpu",
        MetricName="CPUUtilization",
        Namespace="AWS/RDS",
        Statistic="Average",
        Period=300,
        EvaluationPeriods=1,
        Threshold=80,
        ComparisonOperator="GreaterThanThreshold",
        Tags=TAGS,
    )
    assert tagged_arns(client, "secretsmanager:secret") == [secret]
    assert tagged_arns(client, "rds:db") == [instance]
    assert tagged_arns(client, "rds:snapshot") == [snapshot]
    assert [a.split(":log-group:")[1] for a in tagged_arns(client, "logs:log-group")] == [
        "/fidelity/services"
    ]
    assert [a.split(":alarm:")[1] for a in tagged_arns(client, "cloudwatch:alarm")] == [
        "fidelity-services-cpu"
    ]


def test_describing_a_missing_parameter_group_answers_not_found(client) -> None:
    rds = client("rds")
    with pytest.raises(rds.exceptions.DBParameterGroupNotFoundFault):
        rds.describe_db_parameter_groups(DBParameterGroupName="fidelity-missing")
    with pytest.raises(rds.exceptions.DBParameterGroupNotFoundFault):
        rds.describe_db_parameters(DBParameterGroupName="fidelity-missing")


@pytest.mark.parametrize(("family", "force_ssl"), [("postgres15", "0"), ("postgres16", "1")])
def test_parameter_groups_list_engine_defaults_and_keep_them_when_modified(client, family, force_ssl) -> None:
    rds = client("rds")
    name = f"fidelity-{family}"
    rds.create_db_parameter_group(DBParameterGroupName=name, DBParameterGroupFamily=family, Description="f")

    def force_ssl_parameter():
        parameters = rds.describe_db_parameters(DBParameterGroupName=name)["Parameters"]
        return next(p for p in parameters if p["ParameterName"] == "rds.force_ssl")

    default = force_ssl_parameter()
    assert default["ParameterValue"] == force_ssl
    assert default["DataType"] == "boolean"
    assert default["IsModifiable"] is True
    assert default["Source"] == "engine-default"
    rds.modify_db_parameter_group(
        DBParameterGroupName=name,
        Parameters=[{"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}],
    )
    modified = force_ssl_parameter()
    assert modified["ParameterValue"] == "1"
    assert modified["DataType"] == "boolean"
    assert modified["Source"] == "user"
    rds.delete_db_parameter_group(DBParameterGroupName=name)


def test_gp3_instances_report_baseline_iops(client) -> None:
    rds = client("rds")
    described = rds.create_db_instance(
        DBInstanceIdentifier="fidelity-gp3",
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        StorageType="gp3",
        MasterUsername="fidelity",
        MasterUserPassword="fidelity-password",
    )["DBInstance"]
    assert described["Iops"] == 3000
    assert rds.describe_db_instances(DBInstanceIdentifier="fidelity-gp3")["DBInstances"][0]["Iops"] == 3000
    rds.delete_db_instance(DBInstanceIdentifier="fidelity-gp3", SkipFinalSnapshot=True)
