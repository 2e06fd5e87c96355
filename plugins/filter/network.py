# -*- coding: utf-8 -*-

# Copyright: Contributors to the ecommerce_demo.platform collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filters of the network role: IPv4 CIDR checks (standard library, no netaddr) and the subnet plan."""

import ipaddress


def _network(cidr):
    try:
        return ipaddress.ip_network(str(cidr), strict=True)
    except ValueError:
        return None


def cidrs_outside(cidrs, network):
    """The entries of ``cidrs`` that are not valid CIDR blocks inside ``network`` (itself a valid CIDR)."""
    parent = _network(network)
    if parent is None:
        return list(cidrs)
    bad = []
    for cidr in cidrs:
        child = _network(cidr)
        if child is None or child.version != parent.version or not child.subnet_of(parent):
            bad.append(cidr)
    return bad


def cidrs_overlapping(cidrs):
    """The pairs ``"a overlaps b"`` among valid CIDR blocks of ``cidrs``."""
    networks = [(cidr, _network(cidr)) for cidr in cidrs]
    networks = [(cidr, net) for cidr, net in networks if net is not None]
    found = []
    for index, (cidr, net) in enumerate(networks):
        for other_cidr, other in networks[index + 1 :]:
            if net.version == other.version and net.overlaps(other):
                found.append(f"{cidr} overlaps {other_cidr}")
    return found


def is_cidr(value):
    """True for a valid CIDR block with no host bits set (``10.0.0.0/16``)."""
    return _network(value) is not None and "/" in str(value)


def subnet_plan(zones, prefix, cidrs_by_tier):
    """One ``{tier, availability_zone, cidr, name}`` per zone and tier, tiers in the given order."""
    return [
        {"tier": tier, "availability_zone": zone, "cidr": cidr, "name": f"{prefix}-{tier}-{zone}"}
        for tier, cidrs in cidrs_by_tier.items()
        for zone, cidr in zip(zones, cidrs, strict=False)
    ]


def ids_by_name(names, ids, standin):
    """``{name: id}``; an empty id (a resource --check would create) becomes ``standin``."""
    return {name: (resource_id or standin) for name, resource_id in zip(names, ids, strict=True)}


def resolve_ids(names_by_key, found_by_name, created_by_key, standin):
    """``{key: id}`` of resources named ``names_by_key``: found by name, else created, else ``standin``."""
    return {
        key: found_by_name.get(name) or created_by_key.get(key) or standin
        for key, name in names_by_key.items()
    }


def subnet_fact(subnet, ids):
    """The ``{id, availability_zone, cidr}`` other roles read from network_private_subnets."""
    return {
        "id": ids[subnet["name"]],
        "availability_zone": subnet["availability_zone"],
        "cidr": subnet["cidr"],
    }


# --- "already converged?" tests: a no-op run reads a whole kind of resource once and skips the module
# invocation (~0.5-1 s each) of every resource these say is as wanted (docs/performance.md, rule 3).
def _active_routes(table):
    """``{(destination, target)}`` of a route table's routes other than the VPC's local one."""
    routes = set()
    for route in table.get("routes", []):
        if route.get("gateway_id") == "local":
            continue
        destination = route.get("destination_cidr_block") or route.get("destination_ipv6_cidr_block")
        target = next(
            (
                route[key]
                for key in (
                    "gateway_id",
                    "nat_gateway_id",
                    "transit_gateway_id",
                    "vpc_peering_connection_id",
                    "network_interface_id",
                    "instance_id",
                    "egress_only_internet_gateway_id",
                    "carrier_gateway_id",
                    "local_gateway_id",
                )
                if route.get(key)
            ),
            None,
        )
        # A blackhole (target gone) or any route not active is for the module to replace.
        routes.add((destination, target if route.get("state", "active") == "active" else None))
    return routes


def route_table_converged(tables, tags, subnet_ids, routes):
    """True when exactly one of ``tables`` (ec2_vpc_route_table_info) is named ``tags['Name']`` and it has
    exactly these tags, subnet associations and routes (``[{dest, gateway_id}]``, the local route aside)."""
    named = [table for table in tables if table.get("tags", {}).get("Name") == tags.get("Name")]
    if len(named) != 1:
        return False
    table = named[0]
    associated = {
        association["subnet_id"]
        for association in table.get("associations", [])
        if association.get("subnet_id")
        and association.get("association_state", {}).get("state", "associated") == "associated"
    }
    wanted_routes = {(route["dest"], route["gateway_id"]) for route in routes}
    return (
        table.get("tags", {}) == tags
        and associated == set(subnet_ids)
        and _active_routes(table) == wanted_routes
    )


def _found_rules(permissions):
    """Ingress permissions (ec2_security_group_info's ip_permissions) as a set of single rules."""
    rules = set()
    for permission in permissions:
        protocol = str(permission.get("ip_protocol"))
        ports = (None, None) if protocol == "-1" else (permission.get("from_port"), permission.get("to_port"))
        sources = [
            *((source["cidr_ip"], source.get("description")) for source in permission.get("ip_ranges", [])),
            *(
                (source["cidr_ipv6"], source.get("description"))
                for source in permission.get("ipv6_ranges", [])
            ),
            *(
                (source["prefix_list_id"], source.get("description"))
                for source in permission.get("prefix_list_ids", [])
            ),
            *(
                (source["group_id"], source.get("description"))
                for source in permission.get("user_id_group_pairs", [])
            ),
        ]
        rules.update((protocol, ports, source, description) for source, description in sources)
    return rules


def _wanted_rules(rules):
    """ec2_security_group ``rules`` (proto, ports, cidr_ip or group_id, rule_desc) as single rules."""
    wanted = set()
    for rule in rules:
        protocol = "-1" if str(rule["proto"]) in ("all", "-1") else str(rule["proto"])
        if protocol == "-1":
            port_ranges = [(None, None)]
        else:
            port_ranges = []
            for port in rule.get("ports", []):
                low, _dash, high = str(port).partition("-")
                port_ranges.append((int(low), int(high or low)))
            if "from_port" in rule:
                port_ranges.append((int(rule["from_port"]), int(rule["to_port"])))
        sources = rule.get("cidr_ip", rule.get("group_id", []))
        sources = [sources] if isinstance(sources, str) else list(sources)
        wanted.update(
            (protocol, ports, source, rule.get("rule_desc")) for ports in port_ranges for source in sources
        )
    return wanted


def security_group_converged(groups, name, tags, rules):
    """True when exactly one of ``groups`` (ec2_security_group_info) is named ``name`` and it has exactly
    these tags and ingress ``rules`` (as ec2_security_group takes them with purge_rules; egress unmanaged)."""
    named = [group for group in groups if group.get("group_name") == name]
    if len(named) != 1:
        return False
    group = named[0]
    return group.get("tags", {}) == tags and _found_rules(group.get("ip_permissions", [])) == _wanted_rules(
        rules
    )


class FilterModule:
    def filters(self):
        return {
            "cidrs_outside": cidrs_outside,
            "cidrs_overlapping": cidrs_overlapping,
            "is_cidr": is_cidr,
            "subnet_plan": subnet_plan,
            "ids_by_name": ids_by_name,
            "subnet_fact": subnet_fact,
            "resolve_ids": resolve_ids,
            "route_table_converged": route_table_converged,
            "security_group_converged": security_group_converged,
        }
