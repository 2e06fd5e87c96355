"""The pure logic behind iam_oidc_provider: no AWS, no client."""

import datetime

import pytest
from ansible_collections.ecommerce_demo.platform.plugins.module_utils.iam_oidc_provider import (
    InvalidProviderUrl,
    build_desired_state,
    comparable_state,
    desired_thumbprints,
    diff_client_ids,
    diff_tags,
    find_provider_arn,
    invalid_thumbprints,
    normalize_provider,
    normalize_provider_url,
    provider_url_for_create,
    roles_trusting_provider,
    url_from_provider_arn,
)

GITHUB = "token.actions.githubusercontent.com"
GITHUB_ARN = f"arn:aws:iam::123456789012:oidc-provider/{GITHUB}"
EKS_ARN = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC123"
THUMBPRINT_A = "6938fd4d98bab03faadb97b34396831e3780aea1"
THUMBPRINT_B = "1c58a3a8518e8759bf075b76b750d4f2df264fcd"


@pytest.mark.parametrize(
    ("url", "stored"),
    [
        (f"https://{GITHUB}", GITHUB),
        (f"https://{GITHUB}/", GITHUB),
        (GITHUB, GITHUB),
        ("HTTPS://Token.Actions.GitHubUserContent.com", GITHUB),
        ("https://oidc.eks.us-east-1.amazonaws.com/id/ABC123", "oidc.eks.us-east-1.amazonaws.com/id/ABC123"),
        ("  https://gitlab.com  ", "gitlab.com"),
    ],
)
def test_normalize_provider_url_gives_the_form_iam_stores(url, stored):
    assert normalize_provider_url(url) == stored


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("", "empty"),
        ("http://gitlab.com", "https://"),
        ("https://gitlab.com?x=1", "query string"),
        ("https://gitlab.com/#frag", "fragment"),
        ("https://gitlab.com:8443", "port"),
        ("https:///path-only", "no host"),
        ("not a url at all", "DNS host name"),
        ("https://host name.example.com", "DNS host name"),
        ("https://localhost", "DNS host name"),
        ("https:/x.example.com", "must start with https:// followed by the host name"),
        ("https:x.example.com", "must start with https:// followed by the host name"),
        ("gitlab.com:8443/x", "port"),
    ],
)
def test_normalize_provider_url_rejects_what_iam_rejects(url, complaint):
    with pytest.raises(InvalidProviderUrl, match=complaint):
        normalize_provider_url(url)


def test_provider_url_for_create_always_has_the_scheme():
    assert provider_url_for_create(GITHUB) == f"https://{GITHUB}"
    assert provider_url_for_create(f"https://{GITHUB}/") == f"https://{GITHUB}"


def test_url_from_provider_arn_keeps_the_path():
    assert url_from_provider_arn(EKS_ARN) == "oidc.eks.us-east-1.amazonaws.com/id/ABC123"
    with pytest.raises(InvalidProviderUrl, match="not an IAM OIDC provider ARN"):
        url_from_provider_arn("arn:aws:iam::123456789012:role/github-actions-role")


def test_find_provider_arn_matches_by_normalised_url():
    arns = [EKS_ARN, GITHUB_ARN]
    assert find_provider_arn(arns, f"https://{GITHUB}/") == GITHUB_ARN
    assert find_provider_arn(arns, "https://oidc.eks.us-east-1.amazonaws.com/id/ABC123") == EKS_ARN
    # A different path on the same host is a different provider.
    assert find_provider_arn(arns, "https://oidc.eks.us-east-1.amazonaws.com/id/OTHER") is None
    assert find_provider_arn([], GITHUB) is None


def test_find_provider_arn_works_in_other_partitions():
    china_arn = f"arn:aws-cn:iam::123456789012:oidc-provider/{GITHUB}"
    assert find_provider_arn([china_arn], GITHUB) == china_arn


@pytest.mark.parametrize(
    ("current", "desired", "purge", "expected"),
    [
        (["sts.amazonaws.com"], None, True, ([], [])),
        (["sts.amazonaws.com"], ["sts.amazonaws.com"], True, ([], [])),
        ([], ["sts.amazonaws.com"], True, (["sts.amazonaws.com"], [])),
        (["a", "b"], ["b", "c"], True, (["c"], ["a"])),
        (["a", "b"], ["b", "c"], False, (["c"], [])),
        (["a", "b"], [], True, ([], ["a", "b"])),
        # Audiences are case-sensitive strings.
        (["STS.amazonaws.com"], ["sts.amazonaws.com"], True, (["sts.amazonaws.com"], ["STS.amazonaws.com"])),
    ],
)
def test_diff_client_ids(current, desired, purge, expected):
    assert diff_client_ids(current, desired, purge) == expected


def test_invalid_thumbprints_names_the_bad_entries():
    assert invalid_thumbprints([THUMBPRINT_A, THUMBPRINT_A.upper()]) == []
    assert invalid_thumbprints(None) == []
    assert invalid_thumbprints([THUMBPRINT_A, "abc", "z" * 40]) == ["abc", "z" * 40]


@pytest.mark.parametrize(
    ("current", "desired", "expected"),
    [
        ([THUMBPRINT_A], None, None),
        # An empty list leaves thumbprints to IAM, it does not strip the one IAM chose.
        ([THUMBPRINT_A], [], None),
        ([THUMBPRINT_A], [THUMBPRINT_A.upper()], None),
        ([THUMBPRINT_A, THUMBPRINT_B], [THUMBPRINT_B, THUMBPRINT_A], None),
        ([THUMBPRINT_A], [THUMBPRINT_B], [THUMBPRINT_B]),
        ([THUMBPRINT_A, THUMBPRINT_B], [THUMBPRINT_A], [THUMBPRINT_A]),
        ([], [THUMBPRINT_A], [THUMBPRINT_A]),
    ],
)
def test_desired_thumbprints(current, desired, expected):
    assert desired_thumbprints(current, desired) == expected


@pytest.mark.parametrize(
    ("current", "desired", "purge", "expected"),
    [
        ({"A": "1"}, None, True, ({}, [])),
        ({"A": "1"}, {"A": "1"}, True, ({}, [])),
        ({"A": "1", "B": "2"}, {"A": "9"}, True, ({"A": "9"}, ["B"])),
        ({"A": "1", "B": "2"}, {"A": "9"}, False, ({"A": "9"}, [])),
        ({"aws:cloudformation:stack-name": "x"}, {}, True, ({}, [])),
        ({}, {"Project": "ecommerce-demo"}, True, ({"Project": "ecommerce-demo"}, [])),
    ],
)
def test_diff_tags(current, desired, purge, expected):
    assert diff_tags(current, desired, purge) == expected


def test_normalize_provider_snake_cases_and_adds_the_arn():
    response = {
        "Url": GITHUB,
        "ClientIDList": ["sts.amazonaws.com"],
        "ThumbprintList": [THUMBPRINT_A],
        "CreateDate": datetime.datetime(2026, 11, 25, 21, 0, 14, tzinfo=datetime.UTC),
        "Tags": [{"Key": "Project", "Value": "ecommerce-demo"}],
        "ResponseMetadata": {"HTTPStatusCode": 200},
    }
    assert normalize_provider(GITHUB_ARN, response) == {
        "arn": GITHUB_ARN,
        "url": GITHUB,
        "client_id_list": ["sts.amazonaws.com"],
        "thumbprint_list": [THUMBPRINT_A],
        "create_date": "2026-11-25T21:00:14+00:00",
        "tags": {"Project": "ecommerce-demo"},
    }


def test_normalize_provider_gives_empty_tags_when_the_response_has_none():
    response = {"Url": GITHUB, "ClientIDList": [], "ThumbprintList": []}
    assert normalize_provider(GITHUB_ARN, response)["tags"] == {}


def test_comparable_state_is_order_independent_and_empty_for_no_provider():
    provider = {
        "arn": GITHUB_ARN,
        "url": GITHUB,
        "client_id_list": ["b", "a"],
        "thumbprint_list": [THUMBPRINT_A, THUMBPRINT_B],
        "tags": {"Z": "1", "A": "2"},
        "create_date": "2026-11-25T21:00:14+00:00",
    }
    assert comparable_state(provider) == {
        "url": GITHUB,
        "client_id_list": ["a", "b"],
        "thumbprint_list": [THUMBPRINT_B, THUMBPRINT_A],  # "1c58..." sorts before "6938..."
        "tags": {"A": "2", "Z": "1"},
    }
    assert list(comparable_state(provider)["tags"]) == ["A", "Z"]
    assert comparable_state(None) == {}


def test_build_desired_state_for_a_new_provider():
    desired = build_desired_state(
        None, f"https://{GITHUB}", ["sts.amazonaws.com"], None, {"Project": "x"}, True, True
    )
    assert desired == {
        "url": GITHUB,
        "client_id_list": ["sts.amazonaws.com"],
        "thumbprint_list": [],
        "tags": {"Project": "x"},
    }


def test_build_desired_state_keeps_unmanaged_properties_and_applies_purges():
    current = {
        "arn": GITHUB_ARN,
        "url": GITHUB,
        "client_id_list": ["old", "sts.amazonaws.com"],
        "thumbprint_list": [THUMBPRINT_A],
        "tags": {"Keep": "1", "Drop": "2"},
        "create_date": "2026-11-25T21:00:14+00:00",
    }
    desired = build_desired_state(
        current, GITHUB, ["sts.amazonaws.com", "new"], None, {"Keep": "9"}, True, True
    )
    assert desired["arn"] == GITHUB_ARN
    assert desired["create_date"] == current["create_date"]
    assert desired["client_id_list"] == ["sts.amazonaws.com", "new"]
    assert desired["thumbprint_list"] == [THUMBPRINT_A]
    assert desired["tags"] == {"Keep": "9"}
    # The input is not modified: the module reports it as the "before" of the diff.
    assert current["tags"] == {"Keep": "1", "Drop": "2"}

    without_purge = build_desired_state(current, GITHUB, ["new"], [THUMBPRINT_B], {"Add": "3"}, False, False)
    assert without_purge["client_id_list"] == ["old", "sts.amazonaws.com", "new"]
    assert without_purge["thumbprint_list"] == [THUMBPRINT_B]
    assert without_purge["tags"] == {"Keep": "1", "Drop": "2", "Add": "3"}


def test_a_mangled_scheme_is_not_called_a_port():
    with pytest.raises(InvalidProviderUrl) as error:
        normalize_provider_url("https:/x.example.com")
    assert "port" not in str(error.value)


def trust(principal):
    return {
        "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRoleWithWebIdentity"}]
    }


def test_roles_trusting_provider_reads_federated_principals_and_skips_the_ignored():
    roles = [
        {
            "RoleName": "ours",
            "Arn": "arn:r/ours",
            "AssumeRolePolicyDocument": trust({"Federated": GITHUB_ARN}),
        },
        {
            "RoleName": "list",
            "Arn": "arn:r/list",
            "AssumeRolePolicyDocument": trust({"Federated": [EKS_ARN, GITHUB_ARN]}),
        },
        {"RoleName": "eks", "Arn": "arn:r/eks", "AssumeRolePolicyDocument": trust({"Federated": EKS_ARN})},
        {
            "RoleName": "svc",
            "Arn": "arn:r/svc",
            "AssumeRolePolicyDocument": trust({"Service": "ec2.amazonaws.com"}),
        },
        {"RoleName": "star", "Arn": "arn:r/star", "AssumeRolePolicyDocument": trust("*")},
    ]
    assert roles_trusting_provider(roles, GITHUB_ARN) == ["arn:r/list", "arn:r/ours"]
    assert roles_trusting_provider(roles, GITHUB_ARN, ["ours"]) == ["arn:r/list"]
    assert roles_trusting_provider(roles, "arn:aws:iam::1:oidc-provider/none") == []
