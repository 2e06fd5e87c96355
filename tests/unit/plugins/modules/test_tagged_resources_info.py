"""tagged_resources_info: by tag, by name, confirmed, IAM in bulk, retried, tolerant, de-duplicated.

A botocore Stubber per service pins the exact calls (their number is the point for IAM); moto
(mock_aws, in-process) plays whole accounts where only the outcome matters.
"""

import json
from contextlib import ExitStack
from unittest import mock

import boto3
import pytest
from ansible_collections.ecommerce_demo.platform.plugins.modules import tagged_resources_info as sweep_module
from botocore.stub import ANY, Stubber
from moto import mock_aws

from .conftest import BOTO3_CONN, REGION

ACCOUNT = "123456789012"
TAGS = {"Project": "ecommerce-demo", "Environment": "sandbox"}
TAG_LIST = [{"Key": "Project", "Value": "ecommerce-demo"}, {"Key": "Environment", "Value": "sandbox"}]
OTHER_ENV = [{"Key": "Project", "Value": "ecommerce-demo"}, {"Key": "Environment", "Value": "staging"}]
REPO_ARN = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/ecommerce-demo/backend"
NAMES = [
    {"type": "ecr:repository", "name_prefix": "ecommerce-demo/"},
    {"type": "iam:role", "name_prefix": "ecommerce-demo-sandbox-"},
    {"type": "iam:policy", "name_prefix": "ecommerce-demo-sandbox-"},
]
CREATED = "2026-01-01T00:00:00Z"


@pytest.fixture
def stubs():
    """stubs("iam", "ecr", ...) -> {service: active Stubber} on the clients the module will get.

    Any call not queued fails; at teardown every queued response must have been used."""
    with ExitStack() as stack:
        made = {}

        def make(*services):
            for service in services:
                client = boto3.client(
                    service, region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing"
                )
                made[service] = (client, stack.enter_context(Stubber(client)))
            stack.enter_context(
                mock.patch(
                    BOTO3_CONN, side_effect=lambda module, conn_type, resource, **kw: made[resource][0]
                )
            )
            return {service: stubber for service, (_, stubber) in made.items()}

        yield make
        for _, stubber in made.values():
            stubber.assert_no_pending_responses()


@pytest.fixture(autouse=True)
def no_backoff_sleep():
    with mock.patch("ansible_collections.amazon.aws.plugins.module_utils.cloud.time.sleep") as sleep:
        yield sleep


def role(name, tags=(), policies=()):
    return {
        "RoleName": name,
        "RoleId": "AROA" + name.upper().replace("-", "")[:16].ljust(16, "X"),
        "Arn": f"arn:aws:iam::{ACCOUNT}:role/{name}",
        "Path": "/",
        "CreateDate": CREATED,
        "Tags": list(tags),
        "AttachedManagedPolicies": [{"PolicyName": p.rsplit("/", 1)[-1], "PolicyArn": p} for p in policies],
    }


def policy(name):
    return {"PolicyName": name, "Arn": f"arn:aws:iam::{ACCOUNT}:policy/{name}"}


def queue_iam(iam, roles, policies, policy_tags, providers=()):
    iam.add_response(
        "get_account_authorization_details",
        {"RoleDetailList": roles, "IsTruncated": False},
        {"Filter": ["Role"], "MaxItems": 1000},
    )
    iam.add_response(
        "list_policies", {"Policies": policies, "IsTruncated": False}, {"Scope": "Local", "MaxItems": 1000}
    )
    for arn, tags in policy_tags:
        if isinstance(tags, str):
            iam.add_client_error("list_policy_tags", tags, expected_params={"PolicyArn": arn})
        else:
            iam.add_response("list_policy_tags", {"Tags": tags, "IsTruncated": False}, {"PolicyArn": arn})
    iam.add_response(
        "list_open_id_connect_providers",
        {"OpenIDConnectProviderList": [{"Arn": a} for a, _ in providers]},
        {},
    )
    for arn, tags in providers:
        iam.add_response(
            "list_open_id_connect_provider_tags",
            {"Tags": tags, "IsTruncated": False},
            {"OpenIDConnectProviderArn": arn},
        )


def test_iam_reads_tags_in_bulk_and_only_for_candidate_policies(stubs, run_module):
    """301 roles and 100 policies: 1 call for the roles and their tags, 1 for the policies, tags of 2."""
    iam = stubs("iam")["iam"]
    roles = [role(f"someone-else-{i}") for i in range(298)]
    roles += [
        role("github-actions-role", TAG_LIST, [f"arn:aws:iam::{ACCOUNT}:policy/shared-boundary"]),
        role("ecommerce-demo-sandbox-untagged"),  # found by name
        role("ecommerce-demo-sandbox-staging-like", OTHER_ENV),  # name matches, tags say: not ours
    ]
    policies = [policy(f"foreign-{i}") for i in range(98)]
    policies += [policy("shared-boundary"), policy("ecommerce-demo-sandbox-push")]
    queue_iam(
        iam,
        roles,
        policies,
        [
            (
                f"arn:aws:iam::{ACCOUNT}:policy/shared-boundary",
                [],
            ),  # attached to our role, untagged: not ours
            (f"arn:aws:iam::{ACCOUNT}:policy/ecommerce-demo-sandbox-push", TAG_LIST),
        ],
    )
    result = run_module(sweep_module, tags=TAGS, names=NAMES, resource_type_filters=["iam"])
    assert [(r["name"], r["found_by"]) for r in result["resources"]] == [
        ("ecommerce-demo-sandbox-push", ["name", "tag"]),
        ("ecommerce-demo-sandbox-untagged", ["name"]),
        ("github-actions-role", ["tag"]),
    ]
    assert all(r["verified"] for r in result["resources"])


def test_iam_entity_deleted_mid_scan_is_skipped(stubs, run_module):
    iam = stubs("iam")["iam"]
    gone = f"arn:aws:iam::{ACCOUNT}:policy/ecommerce-demo-sandbox-gone"
    queue_iam(iam, [], [policy("ecommerce-demo-sandbox-gone")], [(gone, "NoSuchEntity")])
    result = run_module(sweep_module, tags=TAGS, names=NAMES, resource_type_filters=["iam"])
    assert result["resources"] == []


def test_iam_access_denied_names_the_permissions(stubs, run_module):
    iam = stubs("iam")["iam"]
    iam.add_client_error("get_account_authorization_details", "AccessDenied", "User is not authorized")
    result = run_module(sweep_module, tags=TAGS, resource_type_filters=["iam:role"])
    assert result["failed"] is True
    assert "access denied (AccessDenied)" in result["msg"]
    assert "iam:GetAccountAuthorizationDetails" in result["msg"]


def test_iam_filters_select_iam_types(stubs, run_module):
    """resource_type_filters apply to IAM: iam:oidc-provider reads neither roles nor policies, nor RGTA."""
    iam = stubs("iam")["iam"]
    provider = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
    iam.add_response("list_open_id_connect_providers", {"OpenIDConnectProviderList": [{"Arn": provider}]}, {})
    iam.add_response(
        "list_open_id_connect_provider_tags", {"Tags": TAG_LIST}, {"OpenIDConnectProviderArn": provider}
    )
    result = run_module(sweep_module, tags=TAGS, resource_type_filters=["iam:oidc-provider"])
    assert [r["arn"] for r in result["resources"]] == [provider]


def test_filters_without_iam_skip_iam(stubs, run_module):
    tagging = stubs("resourcegroupstaggingapi")["resourcegroupstaggingapi"]
    tagging.add_response(
        "get_resources",
        {"ResourceTagMappingList": []},
        {"TagFilters": ANY, "ResourceTypeFilters": ["s3"]},
    )
    result = run_module(sweep_module, tags=TAGS, resource_type_filters=["s3"])
    assert result["resources"] == []


def test_throttling_is_retried(stubs, run_module, no_backoff_sleep):
    tagging = stubs("resourcegroupstaggingapi")["resourcegroupstaggingapi"]
    tagging.add_client_error("get_resources", "Throttling", "Rate exceeded")
    tagging.add_client_error("get_resources", "ThrottledException", "Rate exceeded")  # the tagging API's own
    tagging.add_response("get_resources", {"ResourceTagMappingList": []}, {"TagFilters": ANY})
    result = run_module(sweep_module, tags=TAGS, include_iam=False)
    assert result["resources"] == []
    assert no_backoff_sleep.call_count == 2


def test_tagged_but_deleted_is_gone_not_left(stubs, run_module):
    """The tagging API still answers with a deleted repository; the ECR listing shows it is gone."""
    s = stubs("resourcegroupstaggingapi", "ecr")
    deleted = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/ecommerce-demo/old"
    s["resourcegroupstaggingapi"].add_response(
        "get_resources",
        {
            "ResourceTagMappingList": [
                {"ResourceARN": REPO_ARN, "Tags": TAG_LIST},
                {"ResourceARN": deleted, "Tags": TAG_LIST},
            ]
        },
        {"TagFilters": ANY},
    )
    s["ecr"].add_response(
        "describe_repositories",
        {"repositories": [{"repositoryName": "ecommerce-demo/backend", "repositoryArn": REPO_ARN}]},
        {},
    )
    result = run_module(sweep_module, tags=TAGS, include_iam=False)
    assert [r["arn"] for r in result["resources"]] == [REPO_ARN]
    assert result["gone"] == [deleted]


def test_without_verify_the_tagging_api_is_the_one_call(stubs, run_module):
    """verify=false (the summary after a converge): no listing per type, so no ECR call is queued."""
    tagging = stubs("resourcegroupstaggingapi", "ecr")["resourcegroupstaggingapi"]
    tagging.add_response(
        "get_resources",
        {"ResourceTagMappingList": [{"ResourceARN": REPO_ARN, "Tags": TAG_LIST}]},
        {"TagFilters": ANY},
    )
    result = run_module(sweep_module, tags=TAGS, include_iam=False, verify=False)
    assert [(r["arn"], r["verified"], r["found_by"]) for r in result["resources"]] == [
        (REPO_ARN, False, ["tag"])
    ]
    assert result["gone"] == []


def test_unlistable_type_is_reported_unverified(stubs, run_module):
    tagging = stubs("resourcegroupstaggingapi")["resourcegroupstaggingapi"]
    vpc = f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/vpc-0123"
    tagging.add_response(
        "get_resources",
        {"ResourceTagMappingList": [{"ResourceARN": vpc, "Tags": TAG_LIST}]},
        {"TagFilters": ANY},
    )
    result = run_module(sweep_module, tags=TAGS, include_iam=False)
    assert [(r["arn"], r["verified"], r["resource_type"]) for r in result["resources"]] == [
        (vpc, False, "ec2:vpc")
    ]


def test_found_by_tag_and_by_name_is_one_resource(stubs, run_module):
    s = stubs("resourcegroupstaggingapi", "ecr")
    s["resourcegroupstaggingapi"].add_response(
        "get_resources",
        {"ResourceTagMappingList": [{"ResourceARN": REPO_ARN, "Tags": TAG_LIST}]},
        {"TagFilters": ANY},
    )
    s["ecr"].add_response(
        "describe_repositories",
        {"repositories": [{"repositoryName": "ecommerce-demo/backend", "repositoryArn": REPO_ARN}]},
        {},
    )
    result = run_module(sweep_module, tags=TAGS, include_iam=False, names=NAMES[:1])
    assert [(r["arn"], r["found_by"], r["tags"]) for r in result["resources"]] == [
        (REPO_ARN, ["name", "tag"], TAGS)
    ]


@pytest.mark.parametrize(
    "names", [[{"type": "ecr:repository"}], [{"type": "ecr:repository", "name": "a", "name_prefix": "a"}]]
)
def test_names_need_exactly_one_of_name_and_prefix(run_module, names):
    result = run_module(sweep_module, tags=TAGS, names=names)
    assert result["failed"] is True
    assert "exactly one of name and name_prefix" in result["msg"]


def test_empty_tags_are_refused(run_module):
    result = run_module(sweep_module, tags={})
    assert result["failed"] is True


# --- whole accounts, in moto -------------------------------------------------------------------------------


@pytest.fixture
def account():
    with mock_aws():
        yield lambda service: boto3.client(
            service, region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing"
        )


def test_untagged_repository_named_like_ours_is_found(account, run_module):
    ecr = account("ecr")
    stray = ecr.create_repository(repositoryName="ecommerce-demo/worker")["repository"]["repositoryArn"]
    ecr.create_repository(repositoryName="someone/else")
    result = run_module(sweep_module, tags=TAGS, names=NAMES, account_id=ACCOUNT)
    assert [(r["arn"], r["found_by"], r["tags"]) for r in result["resources"]] == [(stray, ["name"], {})]


def test_other_environments_resources_are_not_ours(account, run_module):
    s3, dynamodb = account("s3"), account("dynamodb")
    for bucket, tags in (("ecommerce-demo-tfstate-a", TAG_LIST), ("ecommerce-demo-tfstate-b", OTHER_ENV)):
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})
    s3.create_bucket(Bucket="ecommerce-demo-tfstate-untagged")
    dynamodb.create_table(
        TableName="ecommerce-demo-tfstate-locks",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
    )
    names = [
        {"type": "s3:bucket", "name_prefix": "ecommerce-demo-tfstate-"},
        {"type": "dynamodb:table", "name": "ecommerce-demo-tfstate-locks"},
    ]
    result = run_module(sweep_module, tags=TAGS, names=names)  # account id from STS
    assert {r["arn"]: r["found_by"] for r in result["resources"]} == {
        "arn:aws:s3:::ecommerce-demo-tfstate-a": ["name", "tag"],
        "arn:aws:s3:::ecommerce-demo-tfstate-untagged": ["name"],
        f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/ecommerce-demo-tfstate-locks": ["name"],
    }


def test_check_mode_returns_every_documented_key(account, run_module):
    account("s3").create_bucket(Bucket="ecommerce-demo-tfstate-a")
    account("iam").create_role(
        RoleName="ecommerce-demo-sandbox-x",
        AssumeRolePolicyDocument=json.dumps({"Statement": []}),
        Tags=TAG_LIST,
    )
    names = [{"type": "s3:bucket", "name_prefix": "ecommerce-demo-tfstate-"}]
    real = run_module(sweep_module, tags=TAGS, names=names)
    checked = run_module(sweep_module, check_mode=True, tags=TAGS, names=names)
    assert checked["changed"] is False
    assert checked["resources"] == real["resources"]
    assert set(checked) >= {"resources", "gone"}
    assert {key for r in checked["resources"] for key in r} == {
        "arn",
        "name",
        "service",
        "resource_type",
        "tags",
        "found_by",
        "verified",
    }
    assert len(checked["resources"]) == 2


# --- what the AWS Load Balancer Controller makes: tagged with the cluster, not with the project -----------

CONTROLLER_TYPES = [
    "elasticloadbalancing:loadbalancer",
    "elasticloadbalancing:targetgroup",
    "ec2:security-group",
]


def controller_stack(account, cluster, suffix):
    """An ALB, its target group and its managed security group, tagged as the controller tags them."""
    ec2, elbv2 = account("ec2"), account("elbv2")
    tags = [
        {"Key": "elbv2.k8s.aws/cluster", "Value": cluster},
        {"Key": "ingress.k8s.aws/stack", "Value": "shop/web"},
    ]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{zone}")[
            "Subnet"
        ]["SubnetId"]
        for i, zone in enumerate("ab")
    ]
    group = ec2.create_security_group(
        GroupName=f"k8s-shop-web-{suffix}",
        Description="[k8s] Managed SecurityGroup for LoadBalancer",
        VpcId=vpc,
        TagSpecifications=[{"ResourceType": "security-group", "Tags": tags}],
    )["GroupId"]
    balancer = elbv2.create_load_balancer(
        Name=f"k8s-shop-web-{suffix}", Subnets=subnets, SecurityGroups=[group], Tags=tags
    )["LoadBalancers"][0]["LoadBalancerArn"]
    target_group = elbv2.create_target_group(
        Name=f"k8s-shop-web-{suffix}", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip", Tags=tags
    )["TargetGroups"][0]["TargetGroupArn"]
    security_group = ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"][0]["SecurityGroupArn"]
    return {balancer, target_group, security_group}


def test_load_balancer_controller_resources_of_our_cluster_are_found(account, run_module):
    ours = controller_stack(account, "ecommerce-demo-sandbox", "a1")
    controller_stack(account, "someone-else", "b2")
    also_tagged = [
        {"tags": {"elbv2.k8s.aws/cluster": "ecommerce-demo-sandbox"}, "resource_types": CONTROLLER_TYPES}
    ]

    result = run_module(sweep_module, tags=TAGS, also_tagged=also_tagged, include_iam=False)

    assert {r["arn"] for r in result["resources"]} == ours
    assert {r["resource_type"] for r in result["resources"]} == set(CONTROLLER_TYPES)
    assert all(r["verified"] and r["found_by"] == ["tag"] for r in result["resources"])
    assert all(r["tags"]["ingress.k8s.aws/stack"] == "shop/web" for r in result["resources"])


def test_also_tagged_respects_the_type_filters(account, run_module):
    controller_stack(account, "ecommerce-demo-sandbox", "a1")
    also_tagged = [
        {"tags": {"elbv2.k8s.aws/cluster": "ecommerce-demo-sandbox"}, "resource_types": CONTROLLER_TYPES}
    ]

    result = run_module(
        sweep_module, tags=TAGS, also_tagged=also_tagged, resource_type_filters=["elasticloadbalancing"]
    )

    assert {r["resource_type"] for r in result["resources"]} == set(CONTROLLER_TYPES[:2])


def test_deleted_controller_load_balancer_is_gone_not_left(account, run_module):
    arns = controller_stack(account, "ecommerce-demo-sandbox", "a1")
    balancer = next(arn for arn in arns if ":loadbalancer/" in arn)
    with mock.patch.object(
        sweep_module.Sweep, "listing", autospec=True, side_effect=lambda self, resource_type: {}
    ):
        result = run_module(
            sweep_module,
            tags=TAGS,
            also_tagged=[{"tags": {"elbv2.k8s.aws/cluster": "ecommerce-demo-sandbox"}}],
            include_iam=False,
        )
    assert result["resources"] == []
    assert balancer in result["gone"]


def test_empty_also_tagged_set_is_refused(run_module):
    result = run_module(sweep_module, tags=TAGS, also_tagged=[{"tags": {}}])
    assert result["failed"] is True
