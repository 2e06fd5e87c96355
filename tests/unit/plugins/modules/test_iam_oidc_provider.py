"""iam_oidc_provider and iam_oidc_provider_info run end to end, in-process.

Most behaviours run against moto's IAM in-process (moto.mock_aws: no server, no shared state).
moto 5.2.5 answers AddClientIDToOpenIDConnectProvider and RemoveClientIDFromOpenIDConnectProvider
with HTTP 500 (it does not implement them), so the client-id update paths run against a botocore
Stubber that expects the exact requests AWS documents.
"""

import datetime
import json
from unittest import mock

import boto3
import pytest
from ansible_collections.ecommerce_demo.platform.plugins.modules import iam_oidc_provider as provider_module
from ansible_collections.ecommerce_demo.platform.plugins.modules import iam_oidc_provider_info as info_module
from moto import mock_aws

REGION = "us-east-1"
GITHUB_URL = "https://token.actions.githubusercontent.com"
GITHUB = "token.actions.githubusercontent.com"
MOTO_ACCOUNT = "123456789012"
GITHUB_ARN = f"arn:aws:iam::{MOTO_ACCOUNT}:oidc-provider/{GITHUB}"
THUMBPRINT_A = "6938fd4d98bab03faadb97b34396831e3780aea1"
THUMBPRINT_B = "1c58a3a8518e8759bf075b76b750d4f2df264fcd"
TAGS = {"Project": "ecommerce-demo", "ManagedBy": "ansible"}


@pytest.fixture
def iam():
    with mock_aws():
        yield boto3.client(
            "iam", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing"
        )


def provider_count(iam):
    return len(iam.list_open_id_connect_providers()["OpenIDConnectProviderList"])


def test_create_then_no_change(iam, run_module):
    created = run_module(provider_module, url=GITHUB_URL, client_id_list=["sts.amazonaws.com"], tags=TAGS)
    assert created["changed"] is True
    provider = created["iam_oidc_provider"]
    assert provider["arn"] == GITHUB_ARN
    assert provider["url"] == GITHUB
    assert provider["client_id_list"] == ["sts.amazonaws.com"]
    assert provider["tags"] == TAGS
    assert datetime.datetime.fromisoformat(provider["create_date"])

    again = run_module(provider_module, url=GITHUB_URL + "/", client_id_list=["sts.amazonaws.com"], tags=TAGS)
    assert again["changed"] is False
    assert again["iam_oidc_provider"] == provider
    assert provider_count(iam) == 1


def test_create_in_check_mode_predicts_and_creates_nothing(iam, run_module):
    result = run_module(
        provider_module,
        check_mode=True,
        diff=True,
        url=GITHUB_URL,
        client_id_list=["sts.amazonaws.com"],
        tags=TAGS,
    )
    assert result["changed"] is True
    assert result["iam_oidc_provider"]["client_id_list"] == ["sts.amazonaws.com"]
    assert "arn" not in result["iam_oidc_provider"]
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"] == {
        "url": GITHUB,
        "client_id_list": ["sts.amazonaws.com"],
        "thumbprint_list": [],
        "tags": {"ManagedBy": "ansible", "Project": "ecommerce-demo"},
    }
    assert provider_count(iam) == 0


def test_create_with_pinned_thumbprints(iam, run_module):
    pinned = run_module(provider_module, url="https://pinned.example.com", thumbprint_list=[THUMBPRINT_A])
    assert pinned["changed"] is True
    assert pinned["iam_oidc_provider"]["thumbprint_list"] == [THUMBPRINT_A]
    assert (
        run_module(provider_module, url="https://pinned.example.com", thumbprint_list=[THUMBPRINT_A])[
            "changed"
        ]
        is False
    )


def test_update_tags_and_thumbprints_with_check_mode_twin(iam, run_module):
    iam.create_open_id_connect_provider(
        Url=GITHUB_URL,
        ClientIDList=["sts.amazonaws.com"],
        ThumbprintList=[THUMBPRINT_A],
        Tags=[{"Key": "Project", "Value": "old"}, {"Key": "Stale", "Value": "x"}],
    )
    wanted = dict(url=GITHUB_URL, thumbprint_list=[THUMBPRINT_B], tags=TAGS, purge_tags=True)

    predicted = run_module(provider_module, check_mode=True, diff=True, **wanted)
    assert predicted["changed"] is True
    assert predicted["diff"]["before"]["tags"] == {"Project": "old", "Stale": "x"}
    assert predicted["diff"]["after"]["tags"] == {"ManagedBy": "ansible", "Project": "ecommerce-demo"}
    assert predicted["diff"]["after"]["thumbprint_list"] == [THUMBPRINT_B]
    untouched = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=GITHUB_ARN)
    assert untouched["ThumbprintList"] == [THUMBPRINT_A]
    assert {t["Key"] for t in untouched["Tags"]} == {"Project", "Stale"}

    updated = run_module(provider_module, diff=True, **wanted)
    assert updated["changed"] is True
    assert updated["iam_oidc_provider"]["thumbprint_list"] == [THUMBPRINT_B]
    assert updated["iam_oidc_provider"]["tags"] == TAGS
    assert updated["diff"]["after"] == predicted["diff"]["after"]
    # Client ids were not asked for, so they are left alone.
    assert updated["iam_oidc_provider"]["client_id_list"] == ["sts.amazonaws.com"]

    assert run_module(provider_module, **wanted)["changed"] is False
    # Letter case of a thumbprint carries no meaning.
    assert (
        run_module(provider_module, url=GITHUB_URL, thumbprint_list=[THUMBPRINT_B.upper()])["changed"]
        is False
    )


def test_tags_are_only_added_by_default(iam, run_module):
    """A provider is account-wide: the tags others gave it stay unless purge_tags is asked for."""
    iam.create_open_id_connect_provider(Url=GITHUB_URL, Tags=[{"Key": "Owner", "Value": "platform"}])
    result = run_module(provider_module, url=GITHUB_URL, tags={"Project": "ecommerce-demo"})
    assert result["changed"] is True
    assert result["iam_oidc_provider"]["tags"] == {"Owner": "platform", "Project": "ecommerce-demo"}


def test_empty_thumbprint_list_leaves_existing_thumbprints(iam, run_module):
    iam.create_open_id_connect_provider(Url=GITHUB_URL, ThumbprintList=[THUMBPRINT_A])
    result = run_module(provider_module, url=GITHUB_URL, thumbprint_list=[])
    assert result["changed"] is False
    assert result["iam_oidc_provider"]["thumbprint_list"] == [THUMBPRINT_A]


def test_absent_deletes_once_with_check_mode_twin(iam, run_module):
    iam.create_open_id_connect_provider(Url=GITHUB_URL, ClientIDList=["sts.amazonaws.com"])

    predicted = run_module(provider_module, check_mode=True, diff=True, url=GITHUB_URL, state="absent")
    assert predicted["changed"] is True
    assert predicted["diff"]["before"]["client_id_list"] == ["sts.amazonaws.com"]
    assert predicted["diff"]["after"] == {}
    assert provider_count(iam) == 1

    assert run_module(provider_module, url=GITHUB_URL, state="absent")["changed"] is True
    assert provider_count(iam) == 0
    assert run_module(provider_module, url=GITHUB_URL, state="absent")["changed"] is False


def trust_policy(provider_arn):
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
            }
        ],
    }


def test_absent_keeps_a_provider_other_roles_trust(iam, run_module):
    iam.create_open_id_connect_provider(Url=GITHUB_URL, ClientIDList=["sts.amazonaws.com"])
    for role in ("ours", "someone-elses"):
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(trust_policy(GITHUB_ARN)))
    iam.create_role(
        RoleName="unrelated",
        AssumeRolePolicyDocument=json.dumps(
            trust_policy(f"arn:aws:iam::{MOTO_ACCOUNT}:oidc-provider/gitlab.com")
        ),
    )
    other = f"arn:aws:iam::{MOTO_ACCOUNT}:role/someone-elses"

    for check_mode in (True, False):
        kept = run_module(
            provider_module,
            check_mode=check_mode,
            diff=True,
            url=GITHUB_URL,
            state="absent",
            ignore_trusting_roles=["ours"],
        )
        assert kept["changed"] is False
        assert kept["trusting_roles"] == [other]
        assert kept["diff"]["before"] == kept["diff"]["after"]
        assert provider_count(iam) == 1

    iam.delete_role(RoleName="someone-elses")
    predicted = run_module(
        provider_module, check_mode=True, url=GITHUB_URL, state="absent", ignore_trusting_roles=["ours"]
    )
    assert predicted == {**predicted, "changed": True, "trusting_roles": []}
    deleted = run_module(provider_module, url=GITHUB_URL, state="absent", ignore_trusting_roles=["ours"])
    assert deleted["changed"] is True
    assert provider_count(iam) == 0


def test_absent_with_force_deletes_a_trusted_provider(iam, run_module):
    iam.create_open_id_connect_provider(Url=GITHUB_URL, ClientIDList=["sts.amazonaws.com"])
    iam.create_role(RoleName="someone-elses", AssumeRolePolicyDocument=json.dumps(trust_policy(GITHUB_ARN)))
    result = run_module(provider_module, url=GITHUB_URL, state="absent", force=True)
    assert result["changed"] is True
    assert result["trusting_roles"] == []
    assert provider_count(iam) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"url": "http://token.actions.githubusercontent.com"}, "must use https://"),
        ({"url": "not a url at all"}, "DNS host name"),
        ({"url": "https:/x.example.com"}, "must start with https:// followed by the host name"),
        ({"url": GITHUB_URL, "thumbprint_list": ["not-hex"]}, "40 hexadecimal characters: ['not-hex']"),
        ({"url": GITHUB_URL, "thumbprint_list": [THUMBPRINT_A] * 6}, "at most 5"),
    ],
)
def test_invalid_arguments_fail_before_any_aws_call(run_module, args, message):
    with mock.patch(
        "ansible_collections.amazon.aws.plugins.module_utils.modules.boto3_conn",
        side_effect=AssertionError("no AWS client may be created"),
    ):
        result = run_module(provider_module, **args)
    assert result["failed"] is True
    assert message in result["msg"]


def test_info_by_url_arn_and_all(iam, run_module):
    iam.create_open_id_connect_provider(Url=GITHUB_URL, ClientIDList=["sts.amazonaws.com"], Tags=[])
    iam.create_open_id_connect_provider(Url="https://gitlab.com", ClientIDList=["https://gitlab.com"])

    by_url = run_module(info_module, url=GITHUB)
    assert by_url["changed"] is False
    assert [p["arn"] for p in by_url["iam_oidc_providers"]] == [GITHUB_ARN]
    assert by_url["iam_oidc_providers"][0]["client_id_list"] == ["sts.amazonaws.com"]

    by_arn = run_module(info_module, arn=GITHUB_ARN)
    assert by_arn["iam_oidc_providers"] == by_url["iam_oidc_providers"]

    everything = run_module(info_module)
    assert sorted(p["url"] for p in everything["iam_oidc_providers"]) == ["gitlab.com", GITHUB]

    assert run_module(info_module, url="https://missing.example.com")["iam_oidc_providers"] == []
    missing_arn = f"arn:aws:iam::{MOTO_ACCOUNT}:oidc-provider/missing.example.com"
    assert run_module(info_module, arn=missing_arn)["iam_oidc_providers"] == []


def test_info_rejects_arn_and_url_together(run_module):
    result = run_module(info_module, url=GITHUB_URL, arn=GITHUB_ARN)
    assert result["failed"] is True
    assert "mutually exclusive" in result["msg"]


# --- client ids: moto lacks the two APIs, so a Stubber plays IAM ---------------------------------


@pytest.fixture
def stubbed_iam(stubbed_client):
    return stubbed_client("iam")


def provider_response(client_ids):
    return {
        "Url": GITHUB,
        "ClientIDList": client_ids,
        "ThumbprintList": [THUMBPRINT_A],
        "CreateDate": datetime.datetime(2026, 11, 25, tzinfo=datetime.UTC),
        "Tags": [],
    }


def expect_lookup(stubber, client_ids):
    stubber.add_response(
        "list_open_id_connect_providers", {"OpenIDConnectProviderList": [{"Arn": GITHUB_ARN}]}
    )
    stubber.add_response(
        "get_open_id_connect_provider",
        provider_response(client_ids),
        {"OpenIDConnectProviderArn": GITHUB_ARN},
    )


def test_client_ids_are_added_before_others_are_removed(stubbed_iam, run_module):
    expect_lookup(stubbed_iam, ["https://github.com/old-org"])
    stubbed_iam.add_response(
        "add_client_id_to_open_id_connect_provider",
        {},
        {"OpenIDConnectProviderArn": GITHUB_ARN, "ClientID": "sts.amazonaws.com"},
    )
    stubbed_iam.add_response(
        "remove_client_id_from_open_id_connect_provider",
        {},
        {"OpenIDConnectProviderArn": GITHUB_ARN, "ClientID": "https://github.com/old-org"},
    )
    stubbed_iam.add_response(
        "get_open_id_connect_provider",
        provider_response(["sts.amazonaws.com"]),
        {"OpenIDConnectProviderArn": GITHUB_ARN},
    )
    result = run_module(
        provider_module,
        diff=True,
        url=GITHUB_URL,
        client_id_list=["sts.amazonaws.com"],
        purge_client_ids=True,
    )
    assert result["changed"] is True
    assert result["iam_oidc_provider"]["client_id_list"] == ["sts.amazonaws.com"]
    assert result["diff"]["before"]["client_id_list"] == ["https://github.com/old-org"]
    assert result["diff"]["after"]["client_id_list"] == ["sts.amazonaws.com"]


def test_client_ids_are_only_added_by_default(stubbed_iam, run_module):
    expect_lookup(stubbed_iam, ["https://github.com/old-org"])
    stubbed_iam.add_response(
        "add_client_id_to_open_id_connect_provider",
        {},
        {"OpenIDConnectProviderArn": GITHUB_ARN, "ClientID": "sts.amazonaws.com"},
    )
    both = ["https://github.com/old-org", "sts.amazonaws.com"]
    stubbed_iam.add_response(
        "get_open_id_connect_provider", provider_response(both), {"OpenIDConnectProviderArn": GITHUB_ARN}
    )
    result = run_module(provider_module, url=GITHUB_URL, client_id_list=["sts.amazonaws.com"])
    assert result["changed"] is True
    assert result["iam_oidc_provider"]["client_id_list"] == both


def test_client_id_change_in_check_mode_makes_no_call(stubbed_iam, run_module):
    expect_lookup(stubbed_iam, ["https://github.com/old-org"])
    result = run_module(
        provider_module,
        check_mode=True,
        url=GITHUB_URL,
        client_id_list=["sts.amazonaws.com"],
        purge_client_ids=True,
    )
    assert result["changed"] is True
    assert result["iam_oidc_provider"]["client_id_list"] == ["sts.amazonaws.com"]


def test_an_aws_error_fails_with_what_was_being_done(stubbed_iam, run_module):
    stubbed_iam.add_response("list_open_id_connect_providers", {"OpenIDConnectProviderList": []})
    stubbed_iam.add_client_error(
        "create_open_id_connect_provider",
        service_error_code="AccessDenied",
        service_message="not authorized to perform iam:CreateOpenIDConnectProvider",
        http_status_code=403,
        expected_params={"Url": GITHUB_URL, "ClientIDList": ["sts.amazonaws.com"]},
    )
    result = run_module(provider_module, url=GITHUB_URL, client_id_list=["sts.amazonaws.com"])
    assert result["failed"] is True
    assert result["msg"].startswith("Failed to create OIDC provider")
    assert result["error"]["code"] == "AccessDenied"


def test_create_without_thumbprints_leaves_the_choice_to_iam(stubbed_iam, run_module):
    stubbed_iam.add_response("list_open_id_connect_providers", {"OpenIDConnectProviderList": []})
    # Exactly these parameters: no ThumbprintList at all, so IAM picks the issuer's CA thumbprint.
    stubbed_iam.add_response(
        "create_open_id_connect_provider",
        {"OpenIDConnectProviderArn": GITHUB_ARN},
        {
            "Url": GITHUB_URL,
            "ClientIDList": ["sts.amazonaws.com"],
            "Tags": [{"Key": "Project", "Value": "ecommerce-demo"}],
        },
    )
    # What real IAM answers: a thumbprint it chose itself.
    stubbed_iam.add_response(
        "get_open_id_connect_provider",
        provider_response(["sts.amazonaws.com"]),
        {"OpenIDConnectProviderArn": GITHUB_ARN},
    )
    result = run_module(
        provider_module,
        url=GITHUB_URL,
        client_id_list=["sts.amazonaws.com"],
        thumbprint_list=[],
        tags={"Project": "ecommerce-demo"},
    )
    assert result["changed"] is True
    assert result["iam_oidc_provider"]["thumbprint_list"] == [THUMBPRINT_A]
