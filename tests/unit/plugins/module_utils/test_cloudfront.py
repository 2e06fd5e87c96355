"""Pure logic of cloudfront_distribution_oac: the wanted config, the subset comparison, the bucket policy."""

import copy
import json

import pytest
from ansible_collections.ecommerce_demo.platform.plugins.module_utils import cloudfront as cf

PARAMS = {
    "comment": "shop-cdn",
    "assets_bucket": "shop-assets-123456789012",
    "alb_hostname": "",
    "alb_origin_protocol_policy": "http-only",
    "static_path_patterns": ["/static/*"],
    "price_class": "PriceClass_100",
    "enabled": True,
    "default_root_object": "",
}
WITH_ALB = {**PARAMS, "alb_hostname": "k8s-shop-1.us-east-1.elb.amazonaws.com"}


def as_aws_returns(wanted):
    """What GetDistributionConfig gives back: every default filled in, method lists reordered."""
    config = copy.deepcopy(wanted)
    config.update(CallerReference="shop-cdn", Aliases={"Quantity": 0}, Logging={"Enabled": False})
    behaviors = [config["DefaultCacheBehavior"], *config["CacheBehaviors"].get("Items", [])]
    for behavior in behaviors:
        behavior.update(
            SmoothStreaming=False, FieldLevelEncryptionId="", TrustedSigners={"Enabled": False, "Quantity": 0}
        )
        behavior["AllowedMethods"]["Items"].reverse()
    for origin in config["Origins"]["Items"]:
        origin.update(ConnectionAttempts=3, ConnectionTimeout=10, CustomHeaders={"Quantity": 0})
    config["Origins"]["Items"].reverse()
    return config


def test_before_the_alb_the_bucket_is_the_only_origin_and_the_default():
    config = cf.distribution_config(PARAMS, "us-east-1", "E1OAC")
    assert [o["Id"] for o in config["Origins"]["Items"]] == ["assets-s3"]
    origin = config["Origins"]["Items"][0]
    assert origin["DomainName"] == "shop-assets-123456789012.s3.us-east-1.amazonaws.com"
    assert origin["OriginAccessControlId"] == "E1OAC"
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    assert config["DefaultCacheBehavior"]["TargetOriginId"] == "assets-s3"
    assert [b["PathPattern"] for b in config["CacheBehaviors"]["Items"]] == ["/static/*"]
    assert "/api/*" not in json.dumps(config)


def test_with_the_alb_pages_and_api_go_to_it_uncached_with_everything_but_host_forwarded():
    config = cf.distribution_config(WITH_ALB, "us-east-1", "E1OAC")
    default = config["DefaultCacheBehavior"]
    api, static = config["CacheBehaviors"]["Items"]
    assert default["TargetOriginId"] == api["TargetOriginId"] == "app-alb"
    assert api["PathPattern"] == "/api/*"
    for behavior in (default, api):
        assert behavior["CachePolicyId"] == cf.CACHING_DISABLED
        assert behavior["OriginRequestPolicyId"] == cf.ALL_VIEWER_EXCEPT_HOST_HEADER
        assert sorted(behavior["AllowedMethods"]["Items"]) == sorted(cf.ALL_METHODS)
    assert static["TargetOriginId"] == "assets-s3"
    assert static["CachePolicyId"] == cf.CACHING_OPTIMIZED
    assert static["Compress"] is True
    assert all(b["ViewerProtocolPolicy"] == "redirect-to-https" for b in (default, api, static))
    alb = config["Origins"]["Items"][1]
    assert alb["CustomOriginConfig"]["OriginProtocolPolicy"] == "http-only"


@pytest.mark.parametrize("params", [PARAMS, WITH_ALB], ids=["s3-only", "with-alb"])
def test_what_aws_returns_for_the_wanted_config_is_no_change(params):
    wanted = cf.distribution_config(params, "us-east-1", "E1OAC")
    assert cf.changed_keys(wanted, as_aws_returns(wanted)) == []


def test_a_price_class_change_is_one_changed_key():
    current = as_aws_returns(cf.distribution_config(PARAMS, "us-east-1", "E1OAC"))
    wanted = cf.distribution_config({**PARAMS, "price_class": "PriceClass_All"}, "us-east-1", "E1OAC")
    assert cf.changed_keys(wanted, current) == ["PriceClass"]


def test_the_second_pass_changes_origins_and_behaviours():
    current = as_aws_returns(cf.distribution_config(PARAMS, "us-east-1", "E1OAC"))
    wanted = cf.distribution_config(WITH_ALB, "us-east-1", "E1OAC")
    assert cf.changed_keys(wanted, current) == ["Origins", "DefaultCacheBehavior", "CacheBehaviors"]


def test_a_lost_origin_access_control_is_a_change():
    wanted = cf.distribution_config(PARAMS, "us-east-1", "E1OAC")
    current = as_aws_returns(wanted)
    del current["Origins"]["Items"][0]["OriginAccessControlId"]
    assert cf.changed_keys(wanted, current) == ["Origins"]


def test_update_keeps_what_the_module_does_not_manage():
    current = as_aws_returns(cf.distribution_config(PARAMS, "us-east-1", "E1OAC"))
    wanted = cf.distribution_config({**PARAMS, "price_class": "PriceClass_200"}, "us-east-1", "E1OAC")
    updated = cf.update_config(current, wanted)
    assert updated["CallerReference"] == "shop-cdn"
    assert updated["Logging"] == {"Enabled": False}
    assert updated["PriceClass"] == "PriceClass_200"
    assert cf.disabled_config(current)["Enabled"] is False
    assert cf.create_config(wanted, "shop-cdn")["CallerReference"] == "shop-cdn"


def test_project_shows_the_current_config_in_the_wanted_shape():
    wanted = cf.distribution_config(PARAMS, "us-east-1", "E1OAC")
    shown = cf.project(as_aws_returns(wanted), wanted)
    assert set(shown) == set(wanted)
    assert "ConnectionAttempts" not in json.dumps(shown)
    assert cf.comparable(shown) == cf.comparable(wanted)


def test_bucket_policy_admits_only_this_distribution():
    arn = "arn:aws:cloudfront::123456789012:distribution/E2DIST"
    policy = cf.bucket_policy("shop-assets", "aws", arn)
    deny, statement = policy["Statement"]
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert deny["Resource"] == ["arn:aws:s3:::shop-assets", "arn:aws:s3:::shop-assets/*"]
    assert statement["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert statement["Action"] == "s3:GetObject"
    assert statement["Resource"] == "arn:aws:s3:::shop-assets/*"
    assert statement["Condition"] == {"StringEquals": {"AWS:SourceArn": arn}}
    assert not cf.policy_differs(policy, json.dumps(policy))
    as_returned = copy.deepcopy(policy)
    as_returned["Statement"][1]["Action"] = ["s3:GetObject"]
    assert not cf.policy_differs(policy, json.dumps(as_returned))
    assert cf.policy_differs(policy, None)
    assert cf.policy_differs(policy, json.dumps(cf.bucket_policy("shop-assets", "aws", arn + "X")))


def test_every_version_is_deleted_with_its_id_null_included():
    listing = {
        "Versions": [{"Key": "a", "VersionId": "null"}, {"Key": "a", "VersionId": "v2"}],
        "DeleteMarkers": [{"Key": "b", "VersionId": "m1"}],
    }
    assert cf.versions_to_delete(listing) == [
        {"Key": "a", "VersionId": "null"},
        {"Key": "a", "VersionId": "v2"},
        {"Key": "b", "VersionId": "m1"},
    ]
    assert cf.versions_to_delete({}) == []


def test_price_class_error():
    assert cf.price_class_error("PriceClass_All") is None
    assert "PriceClass_Cheap" in cf.price_class_error("PriceClass_Cheap")


def test_alb_hostname_of_reads_the_alb_origin() -> None:
    with_alb = cf.distribution_config(
        {**PARAMS, "alb_hostname": "k8s-storefro-storefro-0123456789.us-east-1.elb.amazonaws.com"},
        "us-east-1",
        "E1",
    )
    assert cf.alb_hostname_of(with_alb) == "k8s-storefro-storefro-0123456789.us-east-1.elb.amazonaws.com"
    assert cf.alb_hostname_of(cf.distribution_config({**PARAMS, "alb_hostname": ""}, "us-east-1", "E1")) == ""
    assert cf.alb_hostname_of({}) == ""
