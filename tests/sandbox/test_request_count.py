"""The sandbox counts the AWS API requests it answers, per service (sandbox/aws/request_count.py)."""

from __future__ import annotations

import json
from urllib.request import urlopen

import boto3

from sandbox.aws.request_count import PATH, RequestCounter, service_of

SIGNED = (
    "AWS4-HMAC-SHA256 Credential=sandbox/20261201/us-east-1/dynamodb/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=abc"
)


def call(counter: RequestCounter, path: str, **environ: str) -> bytes:
    answered = []
    body = counter({"PATH_INFO": path, **environ}, lambda status, headers: answered.append(status))
    assert answered == ["200 OK"]
    return b"".join(body)


def test_service_comes_from_the_signature_or_a_presigned_url():
    assert service_of({"HTTP_AUTHORIZATION": SIGNED}) == "dynamodb"
    presigned = (
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=sandbox%2F20261201%2Fus-east-1%2Fs3%2Faws4_request"
    )
    assert service_of({"QUERY_STRING": presigned}) == "s3"
    assert service_of({}) == "unsigned"


def test_counts_per_service_and_leaves_moto_api_and_itself_out():
    def moto(environ, start_response):
        start_response("200 OK", [])
        return [b"moto"]

    counter = RequestCounter(moto)
    assert call(counter, "/", HTTP_AUTHORIZATION=SIGNED) == b"moto"
    call(counter, "/", HTTP_AUTHORIZATION=SIGNED)
    call(counter, "/some-bucket")
    call(counter, "/moto-api/reset")
    counts = json.loads(call(counter, PATH))
    assert counts["total"] == 3
    assert counts["by_service"] == {"dynamodb": 2, "unsigned": 1}
    assert counts["cpu_seconds"] > 0


def test_the_server_counts_boto3_requests(aws_endpoint):
    def counts() -> dict:
        with urlopen(aws_endpoint + PATH) as response:  # noqa: S310 (the loopback sandbox)
            return json.load(response)

    before = counts()
    boto3.client(
        "sqs",
        endpoint_url=aws_endpoint,
        region_name="us-east-1",
        aws_access_key_id="sandbox",
        aws_secret_access_key="sandbox",
    ).list_queues()
    after = counts()
    assert after["total"] - before["total"] == 1
    assert after["by_service"]["sqs"] - before["by_service"].get("sqs", 0) == 1
