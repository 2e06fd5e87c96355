"""The add-on controllers the emulator plays against the sandbox's AWS (sandbox/kube/external_secrets.py,
sandbox/kube/load_balancer_controller.py): External Secrets Operator syncing Secrets Manager into Secrets,
the AWS Load Balancer Controller making ALBs for `alb` Ingresses.

A private sandbox (moto and the emulator, wired as `python -m sandbox up` wires them) serves the module;
kubectl drives the emulator and boto3 looks at moto.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from kube_clients import Cli, pinned_tool, unique_name

from tests.support.sandbox_cli import private_sandbox

CRDS = Path(__file__).parent / "crds" / "external-secrets.yaml"
CLUSTER = "demo-cluster"
PASSWORD = "p@ss w/rd+1&x"  # a test value, chosen to need URL escaping

STORE = """\
apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata:
  name: aws-secrets-manager
spec:
  provider:
    aws:
      service: SecretsManager
      region: us-east-1
      auth:
        jwt:
          serviceAccountRef: {name: external-secrets, namespace: external-secrets}
"""


@dataclass
class Sandbox:
    kubectl: Cli
    aws_endpoint: str
    vpc_id: str

    def client(self, service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.aws_endpoint,
            region_name="us-east-1",
            aws_access_key_id="sandbox",
            aws_secret_access_key="sandbox",
        )

    def get(self, *args: str) -> dict:
        return json.loads(self.kubectl("get", *args, "-o", "json").stdout)

    def wait(self, condition: str, *target: str) -> None:
        self.kubectl("wait", f"--for={condition}", *target, "--timeout=120s")


def controller_deployment(vpc_id: str) -> str:
    """What the chart renders, as far as the emulator reads it: the container and its arguments."""
    return f"""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: aws-load-balancer-controller
  namespace: kube-system
spec:
  selector:
    matchLabels: {{app.kubernetes.io/name: aws-load-balancer-controller}}
  template:
    metadata:
      labels: {{app.kubernetes.io/name: aws-load-balancer-controller}}
    spec:
      containers:
        - name: aws-load-balancer-controller
          image: public.ecr.aws/eks/aws-load-balancer-controller:v2.13.3
          args:
            - --cluster-name={CLUSTER}
            - --ingress-class=alb
            - --aws-vpc-id={vpc_id}
            - --default-tags=Project=shop
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: alb
spec:
  controller: ingress.k8s.aws/alb
"""


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    home = tmp_path_factory.mktemp("aws-controllers")
    with private_sandbox(home, "aws", "kube") as env:
        kubectl = Cli(pinned_tool("kubectl"), home / "kube" / "kubeconfig")
        running = Sandbox(kubectl, f"http://127.0.0.1:{env['SANDBOX_AWS_PORT']}", "")
        ec2 = running.client("ec2")
        running.vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        for index, zone in enumerate("abc"):
            # Public subnets tagged as the network role tags them; the third belongs to another cluster.
            tags = {"kubernetes.io/role/elb": "1", f"kubernetes.io/cluster/{CLUSTER}": "shared"}
            if zone == "c":
                tags = {"kubernetes.io/role/elb": "1", "kubernetes.io/cluster/other": "owned"}
            ec2.create_subnet(
                VpcId=running.vpc_id,
                CidrBlock=f"10.0.{index}.0/24",
                AvailabilityZone=f"us-east-1{zone}",
                TagSpecifications=[
                    {"ResourceType": "subnet", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}
                ],
            )
        ec2.create_subnet(VpcId=running.vpc_id, CidrBlock="10.0.10.0/24", AvailabilityZone="us-east-1a")
        kubectl("apply", "-f", str(CRDS))
        kubectl("wait", "--for=condition=Established", "crd", "--all", "--timeout=60s")
        kubectl("apply", "-f", "-", stdin=STORE)
        kubectl("apply", "-f", "-", stdin=controller_deployment(running.vpc_id))
        yield running


@pytest.fixture
def namespace(request: pytest.FixtureRequest, sandbox: Sandbox) -> Iterator[str]:
    name = unique_name(request)
    sandbox.kubectl("create", "namespace", name)
    yield name
    sandbox.kubectl("delete", "namespace", name, "--wait=false")


@pytest.fixture
def rds_secret(sandbox: Sandbox, namespace: str) -> str:
    name = f"{namespace}/rds-password"
    value = {"username": "shop", "password": PASSWORD, "host": "db.internal", "port": 5432, "dbname": "store"}
    sandbox.client("secretsmanager").create_secret(Name=name, SecretString=json.dumps(value))
    return name


DATABASE_URL = "postgresql://{{ .username }}:{{ .password | urlquery }}@{{ .host }}:{{ .port }}/{{ .dbname }}"


def external_secret(key: str, *, template: str = DATABASE_URL, refresh: str = "1h", extra: str = "") -> str:
    return f"""\
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: storefront
spec:
  refreshInterval: {refresh}
  secretStoreRef: {{kind: ClusterSecretStore, name: aws-secrets-manager}}
  target:
    name: storefront-env
    creationPolicy: Owner
    template:
      engineVersion: v2
      data:
        DATABASE_URL: '{template}'
{extra}  data:
    - {{secretKey: username, remoteRef: {{key: {key}, property: username}}}}
    - {{secretKey: password, remoteRef: {{key: {key}, property: password}}}}
    - {{secretKey: host, remoteRef: {{key: {key}, property: host}}}}
    - {{secretKey: port, remoteRef: {{key: {key}, property: port}}}}
    - {{secretKey: dbname, remoteRef: {{key: {key}, property: dbname}}}}
"""


def secret_data(sandbox: Sandbox, namespace: str) -> dict[str, str]:
    secret = sandbox.get("secret", "storefront-env", "-n", namespace)
    return {key: base64.b64decode(value).decode() for key, value in secret["data"].items()}


def ready_condition(obj: dict) -> dict:
    return next(c for c in obj["status"]["conditions"] if c["type"] == "Ready")


def test_cluster_secret_store_is_validated(sandbox: Sandbox) -> None:
    sandbox.wait("condition=Ready", "clustersecretstore/aws-secrets-manager")
    store = sandbox.get("clustersecretstore", "aws-secrets-manager")
    condition = ready_condition(store)
    assert (condition["status"], condition["reason"], condition["message"]) == (
        "True",
        "Valid",
        "store validated",
    )
    assert store["status"]["capabilities"] == "ReadOnly"


def test_external_secret_synced_through_template(sandbox: Sandbox, namespace: str, rds_secret: str) -> None:
    sandbox.kubectl("apply", "-n", namespace, "-f", "-", stdin=external_secret(rds_secret))
    sandbox.wait("condition=Ready", "externalsecret/storefront", "-n", namespace)

    assert secret_data(sandbox, namespace) == {
        "DATABASE_URL": "postgresql://shop:p%40ss+w%2Frd%2B1%26x@db.internal:5432/store"
    }
    secret = sandbox.get("secret", "storefront-env", "-n", namespace)
    assert secret["metadata"]["labels"]["reconcile.external-secrets.io/managed"] == "true"
    es = sandbox.get("externalsecret", "storefront", "-n", namespace)
    (owner,) = secret["metadata"]["ownerReferences"]
    assert (owner["kind"], owner["name"], owner["uid"], owner["controller"]) == (
        "ExternalSecret",
        "storefront",
        es["metadata"]["uid"],
        True,
    )
    condition = ready_condition(es)
    assert (condition["status"], condition["reason"], condition["message"]) == (
        "True",
        "SecretSynced",
        "secret synced",
    )
    assert re.fullmatch(
        rf"{es['metadata']['generation']}-[0-9a-f]{{56}}", es["status"]["syncedResourceVersion"]
    )
    assert es["status"]["binding"] == {"name": "storefront-env"}
    assert es["status"]["refreshTime"]

    # A change of spec is synced again; the managed Secret follows it.
    sandbox.kubectl(
        "patch", "-n", namespace, "externalsecret/storefront", "--type=merge", "-p",
        json.dumps({"spec": {"target": {"template": {"data": {"DB_HOST": "{{ .host }}:{{ .port }}"}}}}}),
    )  # fmt: skip
    sandbox.wait(
        "jsonpath={.data.DB_HOST}=" + base64.b64encode(b"db.internal:5432").decode(),
        "secret/storefront-env",
        "-n",
        namespace,
    )
    assert secret_data(sandbox, namespace)["DATABASE_URL"].startswith("postgresql://shop:")

    # The ExternalSecret's Secret is garbage collected with it (creationPolicy Owner).
    sandbox.kubectl("delete", "-n", namespace, "externalsecret/storefront")
    sandbox.wait("delete", "secret/storefront-env", "-n", namespace)


def test_v1beta1_external_secret_is_synced_too(sandbox: Sandbox, namespace: str, rds_secret: str) -> None:
    manifest = external_secret(rds_secret, template="{{ .username }}").replace(
        "external-secrets.io/v1\n", "external-secrets.io/v1beta1\n"
    )
    assert "external-secrets.io/v1beta1" in manifest
    sandbox.kubectl("apply", "-n", namespace, "-f", "-", stdin=manifest)
    sandbox.wait("condition=Ready", "externalsecret.v1beta1.external-secrets.io/storefront", "-n", namespace)
    assert secret_data(sandbox, namespace) == {"DATABASE_URL": "shop"}


def test_refresh_interval_picks_up_a_rotated_value(sandbox: Sandbox, namespace: str, rds_secret: str) -> None:
    sandbox.kubectl(
        "apply",
        "-n",
        namespace,
        "-f",
        "-",
        stdin=external_secret(rds_secret, template="{{ .password }}", refresh="1s"),
    )
    sandbox.wait("condition=Ready", "externalsecret/storefront", "-n", namespace)
    assert secret_data(sandbox, namespace) == {"DATABASE_URL": PASSWORD}

    rotated = {
        "username": "shop",
        "password": "rotated",
        "host": "db.internal",
        "port": 5432,
        "dbname": "store",
    }
    sandbox.client("secretsmanager").put_secret_value(SecretId=rds_secret, SecretString=json.dumps(rotated))
    expected = base64.b64encode(b"rotated").decode()
    sandbox.wait(f"jsonpath={{.data.DATABASE_URL}}={expected}", "secret/storefront-env", "-n", namespace)


@pytest.mark.parametrize(
    ("key_suffix", "template", "message"),
    [
        ("missing", DATABASE_URL, "secret '{key}' does not exist"),
        ("rds-password", "{{ .password | sha256sum }}", 'function "sha256sum" is not supported'),
        ("rds-password", "{{ .nothere }}", 'map has no entry for key "nothere"'),
    ],
    ids=["missing-secret", "unsupported-function", "missing-template-key"],
)
def test_failure_is_reported_not_guessed(
    sandbox: Sandbox, namespace: str, rds_secret: str, key_suffix: str, template: str, message: str
) -> None:
    key = f"{namespace}/{key_suffix}"
    sandbox.kubectl("apply", "-n", namespace, "-f", "-", stdin=external_secret(key, template=template))
    sandbox.wait(
        "jsonpath={.status.conditions[0].reason}=SecretSyncedError",
        "externalsecret/storefront",
        "-n",
        namespace,
    )

    condition = ready_condition(sandbox.get("externalsecret", "storefront", "-n", namespace))
    assert condition["status"] == "False"
    assert message.format(key=key) in condition["message"]
    assert PASSWORD not in condition["message"]
    missing = sandbox.kubectl("get", "secret", "storefront-env", "-n", namespace, check=False)
    assert "NotFound" in missing.stderr


def test_missing_property_is_an_error(sandbox: Sandbox, namespace: str, rds_secret: str) -> None:
    manifest = external_secret(rds_secret).replace("property: dbname", "property: database")
    sandbox.kubectl("apply", "-n", namespace, "-f", "-", stdin=manifest)
    sandbox.wait(
        "jsonpath={.status.conditions[0].reason}=SecretSyncedError",
        "externalsecret/storefront",
        "-n",
        namespace,
    )
    condition = ready_condition(sandbox.get("externalsecret", "storefront", "-n", namespace))
    assert condition["message"] == f"key database does not exist in secret {rds_secret}"


# --- AWS Load Balancer Controller

SERVICE_AND_INGRESS = """\
apiVersion: v1
kind: Service
metadata:
  name: {service}
spec:
  type: NodePort
  selector: {{app: {service}}}
  ports: [{{name: http, port: 80, targetPort: 8080}}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {ingress}
  annotations:
    alb.ingress.kubernetes.io/scheme: internet-facing
    alb.ingress.kubernetes.io/target-type: ip
{extra}spec:
  ingressClassName: alb
  rules:
    - http:
        paths:
          - path: {path}
            pathType: Prefix
            backend: {{service: {{name: {service}, port: {{name: http}}}}}}
"""


def tags_of(elbv2: Any, arn: str) -> dict[str, str]:
    (description,) = elbv2.describe_tags(ResourceArns=[arn])["TagDescriptions"]
    return {tag["Key"]: tag["Value"] for tag in description["Tags"]}


def stack_balancers(elbv2: Any, stack: str) -> list[dict]:
    return [
        lb
        for lb in elbv2.describe_load_balancers()["LoadBalancers"]
        if tags_of(elbv2, lb["LoadBalancerArn"]).get("ingress.k8s.aws/stack") == stack
    ]


def stack_target_groups(elbv2: Any, stack: str) -> list[dict]:
    return [
        tg
        for tg in elbv2.describe_target_groups()["TargetGroups"]
        if tags_of(elbv2, tg["TargetGroupArn"]).get("ingress.k8s.aws/stack") == stack
    ]


def stack_security_groups(ec2: Any, stack: str) -> list[dict]:
    return ec2.describe_security_groups(Filters=[{"Name": "tag:ingress.k8s.aws/stack", "Values": [stack]}])[
        "SecurityGroups"
    ]


def test_alb_made_tagged_and_deleted_with_its_ingress(sandbox: Sandbox, namespace: str) -> None:
    elbv2, ec2 = sandbox.client("elbv2"), sandbox.client("ec2")
    manifest = SERVICE_AND_INGRESS.format(service="web", ingress="shop", path="/", extra="")
    sandbox.kubectl("apply", "-n", namespace, "-f", "-", stdin=manifest)
    sandbox.wait("jsonpath={.status.loadBalancer.ingress[0].hostname}", "ingress/shop", "-n", namespace)

    stack = f"{namespace}/shop"
    ingress = sandbox.get("ingress", "shop", "-n", namespace)
    assert "ingress.k8s.aws/resources" in ingress["metadata"]["finalizers"]
    (balancer,) = stack_balancers(elbv2, stack)
    assert ingress["status"]["loadBalancer"]["ingress"][0]["hostname"] == balancer["DNSName"]
    assert balancer["Scheme"] == "internet-facing"
    assert balancer["LoadBalancerName"].startswith(f"k8s-{namespace.replace('-', '')[:8]}-shop-")
    assert tags_of(elbv2, balancer["LoadBalancerArn"]) == {
        "elbv2.k8s.aws/cluster": CLUSTER,
        "ingress.k8s.aws/stack": stack,
        "ingress.k8s.aws/resource": "LoadBalancer",
        "Project": "shop",
    }
    # Subnets discovered as the controller does: role tag, this cluster's, one per zone, none of another's.
    subnets = ec2.describe_subnets(SubnetIds=[zone["SubnetId"] for zone in balancer["AvailabilityZones"]])
    assert sorted(s["AvailabilityZone"] for s in subnets["Subnets"]) == ["us-east-1a", "us-east-1b"]
    assert all(s["CidrBlock"] != "10.0.10.0/24" for s in subnets["Subnets"])
    (target_group,) = stack_target_groups(elbv2, stack)
    assert (target_group["TargetType"], target_group["Port"], target_group["VpcId"]) == (
        "ip",
        8080,
        sandbox.vpc_id,
    )
    assert (
        tags_of(elbv2, target_group["TargetGroupArn"])["ingress.k8s.aws/resource"]
        == f"{namespace}/shop-web:http"
    )
    (listener,) = elbv2.describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])["Listeners"]
    assert (listener["Protocol"], listener["Port"]) == ("HTTP", 80)
    (rule,) = [
        r for r in elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"] if not r["IsDefault"]
    ]
    assert (
        rule["Actions"][0]["ForwardConfig"]["TargetGroups"][0]["TargetGroupArn"]
        == target_group["TargetGroupArn"]
    )
    (security_group,) = stack_security_groups(ec2, stack)
    assert security_group["GroupId"] in balancer["SecurityGroups"]
    assert {t["Key"]: t["Value"] for t in security_group["Tags"]}[
        "ingress.k8s.aws/resource"
    ] == "ManagedLBSecurityGroup"

    sandbox.kubectl("delete", "-n", namespace, "ingress/shop", "--timeout=120s")
    assert stack_balancers(elbv2, stack) == []
    assert stack_target_groups(elbv2, stack) == []
    assert stack_security_groups(ec2, stack) == []


def test_ingress_group_shares_one_alb(sandbox: Sandbox, namespace: str) -> None:
    elbv2 = sandbox.client("elbv2")
    group = f"{namespace}-group"
    extra = f"    alb.ingress.kubernetes.io/group.name: {group}\n"
    for service, path in (("front", "/"), ("api", "/api")):
        manifest = SERVICE_AND_INGRESS.format(service=service, ingress=service, path=path, extra=extra)
        sandbox.kubectl("apply", "-n", namespace, "-f", "-", stdin=manifest)
    for name in ("front", "api"):
        sandbox.wait(
            "jsonpath={.status.loadBalancer.ingress[0].hostname}", f"ingress/{name}", "-n", namespace
        )

    hostnames = {
        sandbox.get("ingress", name, "-n", namespace)["status"]["loadBalancer"]["ingress"][0]["hostname"]
        for name in ("front", "api")
    }
    (balancer,) = stack_balancers(elbv2, group)
    assert hostnames == {balancer["DNSName"]}
    assert balancer["LoadBalancerName"].startswith(f"k8s-{group.replace('-', '')[:17]}-")
    assert len(stack_target_groups(elbv2, group)) == 2

    sandbox.kubectl("delete", "-n", namespace, "ingress/api", "--timeout=120s")
    assert [lb["LoadBalancerArn"] for lb in stack_balancers(elbv2, group)] == [balancer["LoadBalancerArn"]]
    (remaining,) = stack_target_groups(elbv2, group)
    assert (
        tags_of(elbv2, remaining["TargetGroupArn"])["ingress.k8s.aws/resource"]
        == f"{namespace}/front-front:http"
    )

    sandbox.kubectl("delete", "-n", namespace, "ingress/front", "--timeout=120s")
    assert stack_balancers(elbv2, group) == []
    assert stack_target_groups(elbv2, group) == []
