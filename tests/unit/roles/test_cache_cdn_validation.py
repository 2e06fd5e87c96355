"""The cache and cdn roles refuse invalid input before any AWS call, naming the variable."""

import pytest

from tests.unit.roles.test_argument_validation import closed_port, run_role  # noqa: F401 (fixture)

NETWORK = {
    "network_private_subnet_ids": ["subnet-1", "subnet-2"],
    "network_security_group_ids": {"cache": "sg-1"},
}


@pytest.mark.parametrize(
    ("role_vars", "message"),
    [
        pytest.param(
            {**NETWORK, "cache_node_type": "cache.banana"},
            "cache_node_type 'cache.banana' is not an ElastiCache node type",
            id="node-type",
        ),
        pytest.param(
            {**NETWORK, "cache_num_cache_clusters": "two"}, "cache_num_cache_clusters", id="wrong-type"
        ),
        pytest.param(
            {**NETWORK, "cache_multi_az": True}, "at least 2 with cache_multi_az", id="multi-az-alone"
        ),
        pytest.param({}, "cache_subnet_ids and cache_security_group_ids are empty", id="no-network"),
    ],
)
def test_cache_refuses_before_any_aws_call(tmp_path, closed_port, role_vars, message):  # noqa: F811
    result = run_role(tmp_path, closed_port, "ecommerce_demo.platform.cache", role_vars)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert message in output
    assert "Could not connect to the endpoint URL" not in output


@pytest.mark.parametrize(
    ("role_vars", "message"),
    [
        pytest.param({"cdn_price_class": "PriceClass_Cheap"}, "cdn_price_class", id="price-class"),
        pytest.param(
            {"cdn_alb_hostname": "http://k8s-x.elb.amazonaws.com/"}, "cdn_alb_hostname must be", id="alb-url"
        ),
        pytest.param(
            {"cdn_static_path_patterns": ["static/*"]}, "cdn_static_path_patterns must list", id="path"
        ),
    ],
)
def test_cdn_refuses_before_any_aws_call(tmp_path, closed_port, role_vars, message):  # noqa: F811
    result = run_role(tmp_path, closed_port, "ecommerce_demo.platform.cdn", role_vars)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert message in output
    assert "Look up the account" not in output


def test_cdn_with_valid_arguments_gets_as_far_as_aws(tmp_path, closed_port):  # noqa: F811
    result = run_role(tmp_path, closed_port, "ecommerce_demo.platform.cdn", {})
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Could not connect to the endpoint URL" in output
