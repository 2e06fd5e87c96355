"""cloudfront_distribution_oac end to end, in-process, against moto with the sandbox's patches
(CloudFront, and S3 bucket policy conditions).
"""

import json
from unittest import mock

import boto3
import pytest
from ansible_collections.ecommerce_demo.platform.plugins.modules import cloudfront_distribution_oac as module
from moto import mock_aws

from sandbox.aws.fidelity import cloudfront as cloudfront_fidelity
from sandbox.aws.fidelity import s3 as s3_fidelity

REGION = "us-east-1"
ARGS = {"comment": "unit-cdn", "assets_bucket": "unit-cdn-assets", "tags": {"Project": "unit"}}
ALB = "k8s-unit-0123.us-east-1.elb.amazonaws.com"


@pytest.fixture(scope="module", autouse=True)
def patched_moto():
    cloudfront_fidelity.cloudfront_origin_access_control()
    cloudfront_fidelity.cloudfront_etag_and_deletion()
    # The bucket policy's TLS-only Deny: moto alone ignores its condition and denies every object call.
    s3_fidelity.s3_bucket_policy_conditions()


@pytest.fixture
def aws():
    with mock_aws(), mock.patch.object(module.time, "sleep"):
        yield boto3.client("cloudfront", region_name=REGION), boto3.client("s3", region_name=REGION)


def test_plan_create_no_change(aws, run_module):
    cloudfront, s3 = aws
    planned = run_module(module, check_mode=True, diff=True, **ARGS)
    assert planned["changed"] is True
    assert s3.list_buckets()["Buckets"] == []
    assert cloudfront.list_distributions()["DistributionList"].get("Items", []) == []

    created = run_module(module, **ARGS)
    assert created["changed"] is True
    dist = created["distribution"]
    assert dist["origin_ids"] == ["assets-s3"]
    policy = json.loads(s3.get_bucket_policy(Bucket="unit-cdn-assets")["Policy"])
    assert policy["Statement"][1]["Condition"]["StringEquals"]["AWS:SourceArn"] == dist["arn"]
    [origin] = cloudfront.get_distribution_config(Id=dist["id"])["DistributionConfig"]["Origins"]["Items"]
    assert origin["OriginAccessControlId"] == created["origin_access_control"]["id"]

    assert run_module(module, **ARGS)["changed"] is False
    assert run_module(module, check_mode=True, **ARGS)["changed"] is False


def test_second_pass_with_the_alb_and_price_class(aws, run_module):
    cloudfront, _ = aws
    run_module(module, **ARGS)
    planned = run_module(
        module, check_mode=True, diff=True, **ARGS, alb_hostname=ALB, price_class="PriceClass_All"
    )
    assert planned["changed"] is True
    assert planned["diff"]["before"]["distribution"]["PriceClass"] == "PriceClass_100"
    assert planned["diff"]["after"]["distribution"]["PriceClass"] == "PriceClass_All"
    applied = run_module(module, **ARGS, alb_hostname=ALB, price_class="PriceClass_All")
    assert applied["changed"] is True
    assert sorted(applied["distribution"]["origin_ids"]) == ["app-alb", "assets-s3"]
    config = cloudfront.get_distribution_config(Id=applied["distribution"]["id"])["DistributionConfig"]
    assert config["DefaultCacheBehavior"]["TargetOriginId"] == "app-alb"
    assert run_module(module, **ARGS, alb_hostname=ALB, price_class="PriceClass_All")["changed"] is False


def test_a_kept_alb_origin_is_reported_and_converged_as_a_run_with_its_hostname_would(aws, run_module):
    """The services phase (keep_alb_origin, no hostname) reports the ALB origin's name: a run with that
    hostname right after it (the app phase) has nothing left to change, even after drift of the origin."""
    cloudfront, _ = aws
    assert run_module(module, **ARGS)["distribution"]["alb_hostname"] == ""
    run_module(module, **ARGS, alb_hostname=ALB)
    dist_id = cloudfront.list_distributions()["DistributionList"]["Items"][0]["Id"]
    answer = cloudfront.get_distribution_config(Id=dist_id)
    config = answer["DistributionConfig"]
    alb = next(o for o in config["Origins"]["Items"] if o["Id"] == "app-alb")
    alb["CustomOriginConfig"]["OriginProtocolPolicy"] = "match-viewer"
    cloudfront.update_distribution(Id=dist_id, DistributionConfig=config, IfMatch=answer["ETag"])
    kept = run_module(module, **ARGS, keep_alb_origin=True)
    assert (kept["changed"], kept["distribution"]["alb_hostname"]) == (True, ALB)
    assert run_module(module, **ARGS, alb_hostname=ALB)["changed"] is False
    planned = run_module(module, check_mode=True, **ARGS, keep_alb_origin=True)
    assert (planned["changed"], planned["distribution"]["alb_hostname"]) == (False, ALB)


def test_absent_disables_deletes_and_empties_every_version(aws, run_module):
    cloudfront, s3 = aws
    run_module(module, **ARGS)
    for body in (b"1", b"2"):
        s3.put_object(Bucket="unit-cdn-assets", Key="static/app.css", Body=body)
    s3.delete_object(Bucket="unit-cdn-assets", Key="static/app.css")
    absent = {**ARGS, "state": "absent"}
    assert run_module(module, check_mode=True, **absent)["changed"] is True
    assert run_module(module, **absent)["changed"] is True
    assert cloudfront.list_distributions()["DistributionList"].get("Items", []) == []
    assert cloudfront.list_origin_access_controls()["OriginAccessControlList"].get("Items", []) == []
    assert s3.list_buckets()["Buckets"] == []
    assert run_module(module, **absent)["changed"] is False
