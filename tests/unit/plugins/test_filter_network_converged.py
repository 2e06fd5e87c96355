"""The network role's "already converged?" filters: a no-op run skips a module call only when the resource
read once is exactly as the module would leave it; any drift must make the module run."""

import copy

import pytest
from ansible_collections.ecommerce_demo.platform.plugins.filter.network import (
    route_table_converged,
    security_group_converged,
)

TAGS = {"Project": "shop", "Name": "shop-private-a"}
ROUTES = [{"dest": "0.0.0.0/0", "gateway_id": "nat-1"}]
TABLE = {
    "id": "rtb-1",
    "tags": dict(TAGS),
    "associations": [
        {"subnet_id": "subnet-a", "main": False, "association_state": {"state": "associated"}},
    ],
    "routes": [
        {"destination_cidr_block": "10.0.0.0/16", "gateway_id": "local", "state": "active"},
        {"destination_cidr_block": "0.0.0.0/0", "nat_gateway_id": "nat-1", "state": "active"},
    ],
}


def test_a_table_as_planned_is_converged():
    assert route_table_converged([TABLE, {"tags": {"Name": "other"}}], TAGS, ["subnet-a"], ROUTES)


@pytest.mark.parametrize(
    "drift",
    [
        lambda t: t["tags"].update(Extra="1"),
        lambda t: t["associations"].append(
            {"subnet_id": "subnet-b", "association_state": {"state": "associated"}}
        ),
        lambda t: t["associations"].clear(),
        lambda t: t["routes"][1].update(state="blackhole"),
        lambda t: t["routes"][1].update(nat_gateway_id="nat-2"),
        lambda t: t["routes"].append(
            {"destination_cidr_block": "1.2.3.0/24", "gateway_id": "igw-1", "state": "active"}
        ),
        lambda t: t["routes"].pop(1),
    ],
    ids=["extra tag", "extra subnet", "no subnet", "blackhole", "other NAT", "extra route", "route missing"],
)
def test_any_drift_makes_the_module_run(drift):
    table = copy.deepcopy(TABLE)
    drift(table)
    assert not route_table_converged([table], TAGS, ["subnet-a"], ROUTES)


def test_a_missing_or_doubled_table_is_not_converged():
    assert not route_table_converged([], TAGS, ["subnet-a"], ROUTES)
    assert not route_table_converged([TABLE, TABLE], TAGS, ["subnet-a"], ROUTES)


def test_a_table_with_no_route_out():
    table = copy.deepcopy(TABLE)
    table["routes"].pop(1)
    assert route_table_converged([table], TAGS, ["subnet-a"], [])


RULES = [
    {"proto": "tcp", "ports": [10250, 443], "group_id": "sg-cp", "rule_desc": "from the control plane"},
    {"proto": "all", "group_id": "sg-nodes", "rule_desc": "among nodes"},
    {"proto": "tcp", "ports": [80, 443], "cidr_ip": ["0.0.0.0/0"], "rule_desc": "web"},
]
GROUP = {
    "group_name": "shop-nodes",
    "tags": {"Name": "shop-nodes"},
    "ip_permissions": [
        {
            "ip_protocol": "tcp",
            "from_port": 443,
            "to_port": 443,
            "user_id_group_pairs": [
                {"group_id": "sg-cp", "user_id": "1", "description": "from the control plane"}
            ],
            "ip_ranges": [{"cidr_ip": "0.0.0.0/0", "description": "web"}],
        },
        {
            "ip_protocol": "tcp",
            "from_port": 10250,
            "to_port": 10250,
            "user_id_group_pairs": [
                {"group_id": "sg-cp", "user_id": "1", "description": "from the control plane"}
            ],
        },
        {
            "ip_protocol": "-1",
            "user_id_group_pairs": [{"group_id": "sg-nodes", "description": "among nodes"}],
        },
        {
            "ip_protocol": "tcp",
            "from_port": 80,
            "to_port": 80,
            "ip_ranges": [{"cidr_ip": "0.0.0.0/0", "description": "web"}],
        },
    ],
    # Egress is the module's to leave alone without rules_egress: never compared.
    "ip_permissions_egress": [{"ip_protocol": "-1", "ip_ranges": [{"cidr_ip": "0.0.0.0/0"}]}],
}


def test_a_group_as_planned_is_converged():
    assert security_group_converged([GROUP], "shop-nodes", {"Name": "shop-nodes"}, RULES)


@pytest.mark.parametrize(
    "drift",
    [
        lambda g: g["tags"].update(Name="x"),
        lambda g: g["ip_permissions"].append(
            {"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "ip_ranges": [{"cidr_ip": "0.0.0.0/0"}]}
        ),
        lambda g: g["ip_permissions"].pop(),
        lambda g: g["ip_permissions"][2]["user_id_group_pairs"][0].update(description="changed"),
        lambda g: g["ip_permissions"][1].update(to_port=10251),
    ],
    ids=["tag", "extra rule", "missing rule", "description", "port range"],
)
def test_any_rule_or_tag_drift_makes_the_module_run(drift):
    group = copy.deepcopy(GROUP)
    drift(group)
    assert not security_group_converged([group], "shop-nodes", {"Name": "shop-nodes"}, RULES)


def test_a_group_not_found_is_not_converged():
    assert not security_group_converged([GROUP], "shop-alb", {"Name": "shop-alb"}, [])
