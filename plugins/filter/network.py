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
        }
