"""sandbox/aws/fidelity/s3.py: bucket policies are evaluated with their conditions, as on AWS.

Through the patched server: the state backend's TLS-only policy admits the sandbox endpoint (the
TLS-terminated front door) and denies a request that says it came over plain HTTP; a StringLike
condition decides by user agent. The operators themselves are tested on the pure evaluator.
"""

from __future__ import annotations

import json
import uuid

import boto3
import botocore.config
import pytest
from botocore.exceptions import ClientError

from sandbox.aws.fidelity import load
from sandbox.aws.fidelity.s3 import condition_holds, conditions_hold, evaluate, request_context


def tls_only(bucket: str) -> dict:
    """The state_backend role's bucket policy, verbatim."""
    arn = f"arn:aws:s3:::{bucket}"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [arn, f"{arn}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }


@pytest.fixture
def s3(aws_endpoint: str):
    def make(headers: dict[str, str] | None = None, user_agent_extra: str | None = None):
        client = boto3.client(
            "s3",
            endpoint_url=aws_endpoint,
            region_name="us-east-1",
            aws_access_key_id="sandbox",
            aws_secret_access_key="sandbox",
            config=botocore.config.Config(user_agent_extra=user_agent_extra),
        )
        if headers:

            def add_headers(request, **_):
                for key, value in headers.items():
                    request.headers[key] = value

            client.meta.events.register("before-sign.s3.*", add_headers)
        return client

    return make


@pytest.fixture
def bucket(s3) -> str:
    name = f"fidelity-{uuid.uuid4().hex[:12]}"
    s3().create_bucket(Bucket=name)
    return name


def test_patch_is_registered() -> None:
    assert "s3_bucket_policy_conditions" in [p.__name__ for p in load()]


def test_tls_only_policy_admits_the_sandbox_endpoint(s3, bucket) -> None:
    client = s3()
    client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(tls_only(bucket)))
    version = client.put_object(Bucket=bucket, Key="env/terraform.tfstate", Body=b"{}")["VersionId"]
    assert client.get_object(Bucket=bucket, Key="env/terraform.tfstate")["Body"].read() == b"{}"
    client.delete_object(Bucket=bucket, Key="env/terraform.tfstate", VersionId=version)
    deleted = client.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "absent"}]})
    assert "Errors" not in deleted


def test_tls_only_policy_denies_plain_http(s3, bucket) -> None:
    s3().put_bucket_policy(Bucket=bucket, Policy=json.dumps(tls_only(bucket)))
    insecure = s3(headers={"X-Forwarded-Proto": "http"})
    with pytest.raises(ClientError) as denied:
        insecure.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert denied.value.response["Error"]["Code"] in ("AccessDenied", "403")
    s3().put_object(Bucket=bucket, Key="k", Body=b"x")
    result = insecure.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "k"}]})
    assert [e["Code"] for e in result["Errors"]] == ["AccessDenied"]


def test_string_like_condition_decides_per_request(s3, bucket) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": ["s3:PutObject"],
                "Resource": f"arn:aws:s3:::{bucket}/*",
                "Condition": {"StringLike": {"aws:UserAgent": "*forbidden-tool*"}},
            }
        ],
    }
    s3().put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    s3().put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError):
        s3(user_agent_extra="forbidden-tool/1.0").put_object(Bucket=bucket, Key="k", Body=b"x")


# --- the evaluator, operator by operator -----------------------------------------------------------------

SECURE = {"aws:SecureTransport": "true", "aws:SourceIp": "10.1.2.3"}
INSECURE = {"aws:SecureTransport": "false"}


@pytest.mark.parametrize(
    ("headers", "secure"),
    [({}, "true"), ({"X-Forwarded-Proto": "https"}, "true"), ({"X-Forwarded-Proto": "http"}, "false")],
)
def test_request_context_front_door(headers, secure) -> None:
    assert request_context(headers, "127.0.0.1") == {
        "aws:SecureTransport": secure,
        "aws:SourceIp": "127.0.0.1",
    }


@pytest.mark.parametrize(
    ("operator", "values", "context", "expected"),
    [
        ("Bool", "false", INSECURE, True),
        ("Bool", "false", SECURE, False),
        ("Bool", True, SECURE, True),  # YAML/JSON booleans read as "true"
        ("Bool", "false", {}, False),  # missing key: a positive operator is false
        ("BoolIfExists", "false", {}, True),
        ("StringEquals", ["a", "true"], SECURE, True),
        ("StringEquals", "TRUE", SECURE, False),
        ("StringEqualsIgnoreCase", "TRUE", SECURE, True),
        ("StringNotEquals", "true", SECURE, False),
        ("StringNotEquals", "x", {}, True),  # missing key: a negated operator is true
        ("StringLike", "t*e", SECURE, True),
        ("StringLike", "t?ue", SECURE, True),
        ("StringLike", "t?e", SECURE, False),
        ("StringNotLike", "f*", SECURE, True),
        ("Null", "true", {}, True),
        ("Null", "false", {}, False),
        ("ForAllValues:StringEquals", "x", {}, True),
        ("NumericLessThan", "1", SECURE, False),  # unsupported operator: never matches
    ],
)
def test_operators_on_secure_transport(operator, values, context, expected) -> None:
    assert condition_holds(operator, "aws:SecureTransport", values, context) is expected


@pytest.mark.parametrize(
    ("operator", "pattern", "expected"),
    [
        ("ArnLike", "arn:aws:iam::*:role/ecommerce-demo-*", True),
        ("ArnLike", "arn:aws:iam::*:role/other-*", False),
        ("ArnLike", "arn:aws:iam::123456789012:*", True),
        ("ArnEquals", "arn:aws:iam::123456789012:role/ecommerce-demo-ci", True),
        ("ArnNotLike", "arn:aws:iam::*:role/ecommerce-demo-*", False),
    ],
)
def test_arn_operators(operator, pattern, expected) -> None:
    context = {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/ecommerce-demo-ci"}
    assert condition_holds(operator, "aws:PrincipalArn", pattern, context) is expected


def test_ip_address_operators() -> None:
    assert condition_holds("IpAddress", "aws:SourceIp", "10.0.0.0/8", SECURE)
    assert not condition_holds("NotIpAddress", "aws:SourceIp", ["10.0.0.0/8"], SECURE)


def test_every_operator_and_key_must_hold() -> None:
    block = {"Bool": {"aws:SecureTransport": "true"}, "IpAddress": {"aws:SourceIp": "192.168.0.0/16"}}
    assert not conditions_hold(block, SECURE)
    assert conditions_hold({"Bool": {"aws:SecureTransport": "true"}}, SECURE)
    assert conditions_hold(None, SECURE)


def test_deny_wins_and_specific_principals_are_left_alone() -> None:
    resource = "arn:aws:s3:::b/k"
    allow = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
    deny = {**tls_only("b")["Statement"][0]}
    policy = {"Statement": [allow, deny]}
    assert evaluate(policy, "s3:GetObject", resource, SECURE) == "allow"
    assert evaluate(policy, "s3:GetObject", resource, INSECURE) == "deny"
    assert evaluate(policy, "s3:PutObject", resource, SECURE) == "neutral"
    named = {**deny, "Principal": {"AWS": "arn:aws:iam::123456789012:root"}}
    assert evaluate({"Statement": named}, "s3:GetObject", resource, INSECURE) == "neutral"
    not_action = {"Effect": "Deny", "Principal": "*", "NotAction": "s3:Get*", "Resource": "*"}
    assert evaluate({"Statement": [not_action]}, "s3:GetObject", resource, SECURE) == "neutral"
    assert evaluate({"Statement": [not_action]}, "s3:PutObject", resource, SECURE) == "deny"
