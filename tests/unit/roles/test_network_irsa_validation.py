"""network and irsa refuse invalid input before any AWS call, naming the variable.

AWS is pointed at a closed port (see test_argument_validation.py): had a role reached an AWS call, the
failure would be a connection error instead of the message checked here.
"""

import pytest

from tests.unit.roles.test_argument_validation import closed_port, run_role  # noqa: F401 - fixture

NETWORK = "ecommerce_demo.platform.network"
IRSA = "ecommerce_demo.platform.irsa"
PROVIDER = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABCDEF"


def failed_before_aws(result, *messages):
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    for message in messages:
        assert message in output, output
    assert "Could not connect to the endpoint URL" not in output
    return output


@pytest.mark.parametrize(
    ("role_vars", "messages"),
    [
        pytest.param(
            {
                "network_vpc_cidr": "10.0.0.0/16",
                "network_private_subnet_cidrs": ["10.0.16.0/20", "10.1.32.0/20"],
            },
            ["network_private_subnet_cidrs must hold one CIDR block per zone", "10.1.32.0/20"],
            id="subnet-outside-vpc",
        ),
        pytest.param(
            {"network_vpc_cidr": "172.16.0.0/16"},
            ["network_public_subnet_cidrs must hold one CIDR block per zone", "172.16.0.0/16"],
            id="vpc-that-contains-none-of-its-subnets",
        ),
        pytest.param(
            {"network_database_subnet_cidrs": ["10.0.48.0/24"]},
            ["network_database_subnet_cidrs must hold one CIDR block per zone"],
            id="one-block-for-two-zones",
        ),
        pytest.param(
            {"network_public_subnet_cidrs": ["10.0.0.0/24", "10.0.1.5/24"]},
            ["network_public_subnet_cidrs must hold one CIDR block per zone", "10.0.1.5/24"],
            id="host-bits-set",
        ),
        pytest.param(
            {"network_vpc_cidr": "10.0.0.0/8"},
            ["network_vpc_cidr must be an IPv4 CIDR block from /16 to /28"],
            id="vpc-too-large",
        ),
        pytest.param(
            {"network_public_subnet_cidrs": ["10.0.0.0/24", "10.0.16.0/24"]},
            ["must not overlap", "10.0.16.0/24 overlaps 10.0.16.0/20"],
            id="overlapping-tiers",
        ),
        pytest.param(
            {"network_nat_gateway_per_az": "sometimes"},
            ["network_nat_gateway_per_az", "bool"],
            id="wrong-type",
        ),
    ],
)
def test_network_refuses_invalid_input(tmp_path, closed_port, role_vars, messages):  # noqa: F811
    failed_before_aws(run_role(tmp_path, closed_port, NETWORK, role_vars), *messages)


@pytest.mark.parametrize(
    ("role_vars", "messages"),
    [
        pytest.param(
            {}, ["irsa_oidc_provider must be the cluster's IAM OIDC provider ARN"], id="no-provider"
        ),
        pytest.param(
            {"irsa_oidc_provider": "arn:aws:iam::123456789012:role/not-a-provider"},
            ["irsa_oidc_provider must be the cluster's IAM OIDC provider ARN"],
            id="role-arn",
        ),
        pytest.param(
            {
                "irsa_oidc_provider": PROVIDER,
                "irsa_roles": {
                    "x": {"namespace": "kube-system", "service_account": "*", "policy": "external-secrets"}
                },
            },
            ["irsa_roles.x needs a Kubernetes namespace and service_account name"],
            id="wildcard-service-account",
        ),
        pytest.param(
            {"irsa_oidc_provider": PROVIDER, "irsa_max_session_duration": 60},
            ["irsa_max_session_duration must be 3600-43200 seconds"],
            id="session-too-short",
        ),
    ],
)
def test_irsa_refuses_invalid_input(tmp_path, closed_port, role_vars, messages):  # noqa: F811
    failed_before_aws(run_role(tmp_path, closed_port, IRSA, role_vars), *messages)


def test_valid_network_input_gets_as_far_as_aws(tmp_path, closed_port):  # noqa: F811
    """The control case: valid inputs pass the checks and fail only at the first AWS call."""
    result = run_role(tmp_path, closed_port, NETWORK, {})
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Create the VPC" in output
    assert "Could not connect to the endpoint URL" in output
