"""A recording stand-in for the eksctl binary, for the eks role's eksctl engine tests.

It records every invocation (argv, and the text of the ClusterConfig when given --config-file) as one
JSON line in $EKSCTL_STANDIN_HOME/calls.jsonl, keeps the clusters it "made" in
$EKSCTL_STANDIN_HOME/state.json, and answers the commands the role uses the way eksctl 0.21x does:

    version
    get cluster --name N --region R -o json         JSON list of DescribeCluster objects, or exit 1
    get nodegroup --cluster N --region R -o json    JSON list of node group summaries
    create cluster --config-file F                  cluster + managedNodeGroups of F
    create nodegroup --config-file F --include A,B  the named node groups of F
    scale nodegroup --cluster N --region R --name G --nodes D --nodes-min m --nodes-max M
    upgrade cluster --name N --region R --version V --approve     one minor version up, like EKS
    upgrade nodegroup --cluster N --region R --name G --kubernetes-version V
    delete cluster --name N --region R --wait

It checks what real eksctl would refuse (a ClusterConfig of another kind or version, a region that
disagrees, a skipped minor version, a node group version above the cluster's, unknown flags) and
exits 1 with an eksctl-like message, so a role that hands it a wrong command fails its test.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import yaml

VERSION = "0.210.0"
ACCOUNT = "123456789012"
BOOLEAN_FLAGS = {"--approve", "--wait"}


def home() -> Path:
    path = Path(os.environ.get("EKSCTL_STANDIN_HOME", ".eksctl-standin"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def load_state() -> dict:
    path = home() / "state.json"
    return json.loads(path.read_text()) if path.exists() else {"clusters": {}}


def save_state(state: dict) -> None:
    (home() / "state.json").write_text(json.dumps(state, indent=2, sort_keys=True))


def fail(message: str) -> None:
    print(f"Error: {message}", file=sys.stderr)
    sys.exit(1)


def parse(args: list[str], allowed: set[str]) -> dict[str, str | bool]:
    flags: dict[str, str | bool] = {}
    index = 0
    while index < len(args):
        flag = args[index]
        if flag not in allowed:
            fail(f"unknown flag: {flag}")
        if flag in BOOLEAN_FLAGS:
            flags[flag] = True
            index += 1
        else:
            if index + 1 >= len(args):
                fail(f"flag needs an argument: {flag}")
            flags[flag] = args[index + 1]
            index += 2
    return flags


def read_config(path: str) -> dict:
    config = yaml.safe_load(Path(path).read_text())
    if config.get("apiVersion") != "eksctl.io/v1alpha5" or config.get("kind") != "ClusterConfig":
        fail(f"loading config file {path!r}: not an eksctl.io/v1alpha5 ClusterConfig")
    for key in ("name", "region", "version"):
        if not config.get("metadata", {}).get(key):
            fail(f"loading config file {path!r}: metadata.{key} must be set")
    return config


def minor(version: str) -> tuple[int, int]:
    major, minor_part = version.split(".")
    return int(major), int(minor_part)


def cluster_object(config: dict) -> dict:
    metadata = config["metadata"]
    name, region = metadata["name"], metadata["region"]
    digest = hashlib.sha256(f"{name}/{region}".encode()).hexdigest()[:32].upper()
    return {
        "Name": name,
        "Arn": f"arn:aws:eks:{region}:{ACCOUNT}:cluster/{name}",
        "Version": metadata["version"],
        "Status": "ACTIVE",
        "Endpoint": f"https://{digest}.gr7.{region}.eks.amazonaws.com",
        "CertificateAuthority": {"Data": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg=="},
        "Identity": {"Oidc": {"Issuer": f"https://oidc.eks.{region}.amazonaws.com/id/{digest}"}},
        "Tags": dict(metadata.get("tags") or {}),
        "UpgradePolicy": {"SupportType": (config.get("upgradePolicy") or {}).get("supportType", "EXTENDED")},
        "Region": region,
        "Nodegroups": {},
    }


def nodegroup_object(cluster: dict, group: dict) -> dict:
    name = group["name"]
    return {
        "StackName": f"eksctl-{cluster['Name']}-nodegroup-{name}",
        "Cluster": cluster["Name"],
        "Name": name,
        "Status": "ACTIVE",
        "MaxSize": group["maxSize"],
        "MinSize": group["minSize"],
        "DesiredCapacity": group["desiredCapacity"],
        "InstanceType": group["instanceType"],
        "ImageID": "AL2023_x86_64_STANDARD",
        "Version": cluster["Version"],
        "NodeGroupType": "managed",
    }


def get_cluster(state: dict, name: str, region: str) -> dict:
    cluster = state["clusters"].get(name)
    if cluster is None or cluster["Region"] != region:
        fail(
            "unable to describe cluster control plane: operation error EKS: DescribeCluster, https response "
            f"error StatusCode: 404, ResourceNotFoundException: No cluster found for name: {name}."
        )
    return cluster


def run(argv: list[str]) -> None:
    state = load_state()
    command = " ".join(argv[:2])
    if argv[:1] == ["version"]:
        print(VERSION)
        return
    if command == "get cluster":
        flags = parse(argv[2:], {"--name", "--region", "-o"})
        cluster = get_cluster(state, flags["--name"], flags["--region"])
        public = {k: v for k, v in cluster.items() if k not in ("Nodegroups", "Region")}
        print(json.dumps([public], indent=2))
        return
    if command == "get nodegroup":
        flags = parse(argv[2:], {"--cluster", "--region", "-o"})
        cluster = get_cluster(state, flags["--cluster"], flags["--region"])
        print(json.dumps(list(cluster["Nodegroups"].values()), indent=2))
        return
    if command == "create cluster":
        flags = parse(argv[2:], {"--config-file"})
        config = read_config(flags["--config-file"])
        name = config["metadata"]["name"]
        if name in state["clusters"]:
            fail(f'creating CloudFormation stack "eksctl-{name}-cluster": AlreadyExistsException')
        if not config.get("iam", {}).get("withOIDC"):
            fail("the ClusterConfig lacks iam.withOIDC (the stand-in expects the platform's config)")
        cluster = cluster_object(config)
        for group in config.get("managedNodeGroups", []):
            cluster["Nodegroups"][group["name"]] = nodegroup_object(cluster, group)
        state["clusters"][name] = cluster
    elif command == "create nodegroup":
        flags = parse(argv[2:], {"--config-file", "--include"})
        config = read_config(flags["--config-file"])
        cluster = get_cluster(state, config["metadata"]["name"], config["metadata"]["region"])
        wanted = str(flags.get("--include", "")).split(",")
        groups = {g["name"]: g for g in config.get("managedNodeGroups", [])}
        for name in wanted:
            if name not in groups:
                fail(f"no node group named {name!r} in the config file")
            if name in cluster["Nodegroups"]:
                fail(f"node group {name!r} already exists")
            cluster["Nodegroups"][name] = nodegroup_object(cluster, groups[name])
    elif command == "scale nodegroup":
        flags = parse(argv[2:], {"--cluster", "--region", "--name", "--nodes", "--nodes-min", "--nodes-max"})
        cluster = get_cluster(state, flags["--cluster"], flags["--region"])
        group = cluster["Nodegroups"].get(flags["--name"]) or fail(f"node group {flags['--name']} not found")
        sizes = {
            k: int(flags[f])
            for k, f in (
                ("DesiredCapacity", "--nodes"),
                ("MinSize", "--nodes-min"),
                ("MaxSize", "--nodes-max"),
            )
        }
        if not sizes["MinSize"] <= sizes["DesiredCapacity"] <= sizes["MaxSize"]:
            fail("--nodes must be between --nodes-min and --nodes-max")
        group.update(sizes)
    elif command == "upgrade cluster":
        flags = parse(argv[2:], {"--name", "--region", "--version", "--approve"})
        cluster = get_cluster(state, flags["--name"], flags["--region"])
        have, want = minor(cluster["Version"]), minor(flags["--version"])
        if want != (have[0], have[1] + 1):
            fail(
                "upgrading more than one Kubernetes minor version at a time is not supported: "
                f"{cluster['Version']} -> {flags['--version']}"
            )
        if flags.get("--approve"):
            cluster["Version"] = flags["--version"]
    elif command == "upgrade nodegroup":
        flags = parse(argv[2:], {"--cluster", "--region", "--name", "--kubernetes-version"})
        cluster = get_cluster(state, flags["--cluster"], flags["--region"])
        group = cluster["Nodegroups"].get(flags["--name"]) or fail(f"node group {flags['--name']} not found")
        if minor(flags["--kubernetes-version"]) > minor(cluster["Version"]):
            fail("node group version cannot be newer than the control plane's")
        group["Version"] = flags["--kubernetes-version"]
    elif command == "delete cluster":
        flags = parse(argv[2:], {"--name", "--region", "--wait"})
        get_cluster(state, flags["--name"], flags["--region"])
        del state["clusters"][flags["--name"]]
    else:
        fail(f"unknown command {' '.join(argv)!r} for eksctl stand-in")
    save_state(state)


def record(argv: list[str]) -> None:
    entry: dict = {"argv": argv}
    if "--config-file" in argv:
        path = argv[argv.index("--config-file") + 1]
        entry["config_file"] = path
        entry["config"] = Path(path).read_text() if Path(path).exists() else None
    with (home() / "calls.jsonl").open("a") as log:
        log.write(json.dumps(entry) + "\n")


def main() -> None:
    argv = sys.argv[1:]
    record(argv)
    run(argv)


if __name__ == "__main__":
    main()
