"""The AWS Load Balancer Controller's part: ALBs in the sandbox's AWS for Ingresses of class `alb`.

Acts once the controller is installed: a Deployment whose container is `aws-load-balancer-controller` (as
the chart names it) with a `--cluster-name=` argument (the chart's `clusterName` value), and, for
`spec.ingressClassName`, the IngressClass it names with controller `ingress.k8s.aws/alb`. The legacy
annotation `kubernetes.io/ingress.class` is matched against the Deployment's `--ingress-class` (default
`alb`).

An IngressGroup (the Ingresses of one `alb.ingress.kubernetes.io/group.name`, or one Ingress alone) is one
stack, reconciled as the real controller does it, from tags: the resources tagged
`elbv2.k8s.aws/cluster=<cluster>` and `ingress.k8s.aws/stack=<namespace>/<name>` (or the group name) are
made to match the model built from the group's live Ingresses:

- a security group `k8s-<ns>-<name>-<hash>` (ingress.k8s.aws/resource=ManagedLBSecurityGroup) letting
  the listen ports in from `inbound-cidrs` (0.0.0.0/0), unless `security-groups` names some;
- the ALB `k8s-<ns>-<name>-<hash>` (resource LoadBalancer; `scheme` internal by default, as upstream),
  on the `subnets` annotation's subnets or those discovered as upstream does: in the cluster's VPC
  (`--aws-vpc-id`, else EKS DescribeCluster), tagged `kubernetes.io/role/elb=1` (internet-facing) or
  `kubernetes.io/role/internal-elb=1` (internal), not tagged for another cluster, one per zone;
- a target group per backend Service port (resource `<ns>/<ingress>-<service>:<port>`; `target-type`
  instance by default: the Service's node port, ip: its target port);
- a listener per `listen-ports` entry (HTTP:80 by default) answering 404 unless a rule matches, and a rule
  per path (host and path conditions, forward to the backend's target group);
- `--default-tags` and the `tags` annotation on all of it.

Every member gets the finalizer `ingress.k8s.aws/resources` and the ALB's DNSName as its status
hostname. An Ingress being deleted leaves the model; once its target groups (or, for the last member, the
listeners, the ALB, the target groups and the security group) are gone, its finalizer is removed.
No targets are registered (nothing runs) and the shared backend security group and node security group
rules are not made. A group is deployed again when one of its Ingresses changes; a change made behind
its back in AWS is seen at the next such change or restart, not on a timer (upstream resyncs every 10 h).
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from sandbox.kube.api import WriteOptions
from sandbox.kube.aws_controllers import AwsControllers, AwsEndpoint, Key, run_in_thread
from sandbox.kube.control import ControllerBase, GroupResource
from sandbox.kube.errors import ApiError
from sandbox.kube.storage import Event

log = logging.getLogger(__name__)

INGRESSES: GroupResource = ("networking.k8s.io", "ingresses")
INGRESS_CLASSES: GroupResource = ("networking.k8s.io", "ingressclasses")
DEPLOYMENTS: GroupResource = ("apps", "deployments")
SERVICES: GroupResource = ("", "services")
CONTROLLER_NAME = "ingress.k8s.aws/alb"
CONTAINER = "aws-load-balancer-controller"
FINALIZER = "ingress.k8s.aws/resources"
MANAGER = "aws-load-balancer-controller"
ANNOTATION = "alb.ingress.kubernetes.io/"
CLUSTER_TAG = "elbv2.k8s.aws/cluster"
STACK_TAG = "ingress.k8s.aws/stack"
RESOURCE_TAG = "ingress.k8s.aws/resource"
RETRY_SECONDS = 30
NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")


class ModelError(Exception):
    """The Ingress group cannot be built or deployed; logged, and retried later, as upstream."""


def _hash(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode())
    return digest.hexdigest()


def _resource_name(namespace: str, name: str, explicit_group: str | None, *hash_parts: str) -> str:
    """Upstream's naming: k8s-<ns:8>-<name:8>-<hash:10>, or k8s-<group:17>-<hash:10> for a named group."""
    uuid = _hash(*hash_parts)
    if explicit_group:
        return f"k8s-{NOT_ALNUM.sub('', explicit_group)[:17]}-{uuid[:10]}"
    return f"k8s-{NOT_ALNUM.sub('', namespace)[:8]}-{NOT_ALNUM.sub('', name)[:8]}-{uuid[:10]}"


def _tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in sorted(tags.items())]


def _key_values(text: str) -> dict[str, str]:
    """`k1=v1,k2=v2`, as the controller's map flags and the tags annotation are written."""
    pairs = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        key, _, value = item.partition("=")
        pairs[key.strip()] = value.strip()
    return pairs


@dataclass(frozen=True)
class Installed:
    cluster_name: str
    vpc_id: str
    ingress_class: str
    default_tags: dict[str, str]


@dataclass
class TargetGroupModel:
    name: str
    resource: str
    port: int
    target_type: str
    health_check_path: str


@dataclass
class RuleModel:
    port: int
    host: str | None
    paths: list[str]
    target_group: str  # a TargetGroupModel name


@dataclass
class StackModel:
    cluster_name: str
    stack: str
    vpc_id: str
    load_balancer_name: str
    security_group_name: str
    scheme: str
    ip_address_type: str
    subnets: list[str]
    security_groups: list[str]
    inbound_cidrs: list[str]
    listeners: dict[int, tuple[str, str | None]]  # port -> (protocol, certificate ARN)
    default_target_group: str | None
    target_groups: dict[str, TargetGroupModel] = field(default_factory=dict)
    rules: list[RuleModel] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)

    def stack_tags(self) -> dict[str, str]:
        return {**self.tags, CLUSTER_TAG: self.cluster_name, STACK_TAG: self.stack}


class LoadBalancerController(ControllerBase):
    def __init__(self, cluster, endpoint: AwsEndpoint, queue: AwsControllers) -> None:
        super().__init__(cluster)
        self.endpoint = endpoint
        self.queue = queue
        # The model each group was last deployed with and the ALB's DNSName: the controller's own writes
        # (finalizers, status) come back as events and must not cost another round of AWS calls.
        self._deployed: dict[str, tuple[StackModel, str]] = {}

    # --- wiring
    def routes(self) -> dict:
        return {
            INGRESSES: self._on_ingress,
            INGRESS_CLASSES: self._requeue_all,
            DEPLOYMENTS: self._on_deployment,
        }

    def handlers(self) -> dict:
        return {"ingressgroup": self.reconcile_group}

    @staticmethod
    def group_id(ingress: dict) -> str:
        annotations = ingress["metadata"].get("annotations") or {}
        group = annotations.get(ANNOTATION + "group.name")
        return group if group else f"{ingress['metadata']['namespace']}/{ingress['metadata']['name']}"

    def _on_ingress(self, event: Event) -> None:
        if event.type == "DELETED":
            return
        self.queue.enqueue(("ingressgroup", self.group_id(event.obj)))
        if event.old is not None and self.group_id(event.old) != self.group_id(event.obj):
            self.queue.enqueue(("ingressgroup", self.group_id(event.old)))

    def _on_deployment(self, event: Event) -> None:
        # Only a new controller matters; the Deployment's status updates cost this one comparison.
        if event.type == "ADDED" and self._controller_args(event.obj) is not None:
            self._requeue_all(event)

    def _requeue_all(self, _event: Event) -> None:
        for ingress in self.cluster.store.list(INGRESSES):
            self.queue.enqueue(("ingressgroup", self.group_id(ingress)))

    # --- is the controller installed?
    @staticmethod
    def _controller_args(deployment: dict) -> list[str] | None:
        containers = (((deployment.get("spec") or {}).get("template") or {}).get("spec") or {}).get(
            "containers"
        )
        for container in containers or ():
            args = container.get("args") or []
            if container.get("name") == CONTAINER and any(str(a).startswith("--cluster-name") for a in args):
                return [str(a) for a in args]
        return None

    def installed(self) -> Installed | None:
        for deployment in self.cluster.store.list(DEPLOYMENTS):
            if deployment["metadata"].get("deletionTimestamp"):
                continue
            args = self._controller_args(deployment)
            if args is None:
                continue
            flags: dict[str, str] = {}
            for index, arg in enumerate(args):
                if arg.startswith("--"):
                    name, equals, value = arg[2:].partition("=")
                    if not equals and index + 1 < len(args) and not args[index + 1].startswith("--"):
                        value = args[index + 1]
                    flags[name] = value
            if flags.get("cluster-name"):
                return Installed(
                    cluster_name=flags["cluster-name"],
                    vpc_id=flags.get("aws-vpc-id", ""),
                    ingress_class=flags.get("ingress-class") or "alb",
                    default_tags=_key_values(flags.get("default-tags", "")),
                )
        return None

    def is_ours(self, ingress: dict, installed: Installed) -> bool:
        class_name = (ingress.get("spec") or {}).get("ingressClassName")
        if class_name:
            ingress_class = self.cluster.store.get(INGRESS_CLASSES, "", class_name)
            return (
                ingress_class is not None
                and (ingress_class.get("spec") or {}).get("controller") == CONTROLLER_NAME
            )
        annotations = ingress["metadata"].get("annotations") or {}
        return annotations.get("kubernetes.io/ingress.class") == installed.ingress_class

    # --- reconcile one group
    async def reconcile_group(self, key: Key) -> None:
        group_id = key[1]
        installed = self.installed()
        if installed is None:
            return
        members = [
            ingress
            for ingress in self.cluster.store.list(INGRESSES)
            if self.group_id(ingress) == group_id and self.is_ours(ingress, installed)
        ]
        if not members:
            return
        live = [m for m in members if not m["metadata"].get("deletionTimestamp")]
        leaving = [
            m
            for m in members
            if m["metadata"].get("deletionTimestamp") and FINALIZER in (m["metadata"].get("finalizers") or [])
        ]
        if not live and not leaving:
            return
        for ingress in live:
            if FINALIZER not in (ingress["metadata"].get("finalizers") or []):
                updated = copy.deepcopy(ingress)
                updated["metadata"]["finalizers"] = [
                    *(ingress["metadata"].get("finalizers") or []),
                    FINALIZER,
                ]
                self._write(updated)
        try:
            model = self.build(group_id, live, installed) if live else None
            if model is not None and not leaving and self._up_to_date(group_id, model, live):
                return
            self._deployed.pop(group_id, None)
            hostname = await run_in_thread(self.deploy, installed, group_id, model)
        except ModelError as error:
            log.warning("ingress group %s: %s", group_id, error)
            self.queue.enqueue_later(key, RETRY_SECONDS)
            return
        if model is not None and hostname:
            self._deployed[group_id] = (model, hostname)
        for ingress in live:
            current = self.cluster.store.get(
                INGRESSES, ingress["metadata"]["namespace"], ingress["metadata"]["name"]
            )
            if current is not None and not current["metadata"].get("deletionTimestamp"):
                self.set_status(
                    INGRESSES,
                    current,
                    {**(current.get("status") or {}), "loadBalancer": {"ingress": [{"hostname": hostname}]}},
                )
        for ingress in leaving:
            current = self.cluster.store.get(
                INGRESSES, ingress["metadata"]["namespace"], ingress["metadata"]["name"]
            )
            if current is not None and FINALIZER in (current["metadata"].get("finalizers") or []):
                updated = copy.deepcopy(current)
                updated["metadata"]["finalizers"] = [
                    f for f in current["metadata"]["finalizers"] if f != FINALIZER
                ]
                self._write(updated)

    def _up_to_date(self, group_id: str, model: StackModel, live: list[dict]) -> bool:
        deployed = self._deployed.get(group_id)
        if deployed is None or deployed[0] != model:
            return False
        wanted = {"ingress": [{"hostname": deployed[1]}]}
        return all(
            (ingress.get("status") or {}).get("loadBalancer") == wanted
            and FINALIZER in (ingress["metadata"].get("finalizers") or [])
            for ingress in live
        )

    def _write(self, ingress: dict) -> None:
        try:
            self.cluster.update(
                self.type(*INGRESSES),
                ingress["metadata"]["namespace"],
                ingress["metadata"]["name"],
                ingress,
                WriteOptions(field_manager=MANAGER),
            )
        except ApiError as error:
            log.debug("ingress %s not updated: %s", ingress["metadata"]["name"], error.message)

    # --- the model, from the Ingresses (on the event loop)
    def build(self, group_id: str, members: list[dict], installed: Installed) -> StackModel:
        explicit = None if "/" in group_id else group_id
        namespace, _, name = group_id.partition("/") if not explicit else ("", "", "")
        annotations: dict[str, str] = {}
        for ingress in members:  # upstream merges group-wide annotations; the first member's value wins here
            for key, value in (ingress["metadata"].get("annotations") or {}).items():
                annotations.setdefault(key, value)
        scheme = annotations.get(ANNOTATION + "scheme", "internal")
        if scheme not in ("internal", "internet-facing"):
            raise ModelError(f"unknown scheme {scheme}")
        certificate = annotations.get(ANNOTATION + "certificate-arn", "").split(",")[0] or None
        try:
            listen = json.loads(annotations.get(ANNOTATION + "listen-ports", "null")) or (
                [{"HTTPS": 443}] if certificate else [{"HTTP": 80}]
            )
            listeners = {
                int(port): (protocol, certificate if protocol == "HTTPS" else None)
                for entry in listen
                for protocol, port in entry.items()
            }
        except (ValueError, AttributeError, TypeError) as error:
            raise ModelError(f"invalid listen-ports annotation: {error}") from None
        tags = {**installed.default_tags, **_key_values(annotations.get(ANNOTATION + "tags", ""))}
        model = StackModel(
            cluster_name=installed.cluster_name,
            stack=group_id,
            vpc_id=installed.vpc_id,
            load_balancer_name=annotations.get(ANNOTATION + "load-balancer-name")
            or _resource_name(namespace, name, explicit, installed.cluster_name, group_id, scheme),
            security_group_name=_resource_name(namespace, name, explicit, installed.cluster_name, group_id),
            scheme=scheme,
            ip_address_type=annotations.get(ANNOTATION + "ip-address-type", "ipv4"),
            subnets=[s.strip() for s in annotations.get(ANNOTATION + "subnets", "").split(",") if s.strip()],
            security_groups=[
                s.strip() for s in annotations.get(ANNOTATION + "security-groups", "").split(",") if s.strip()
            ],
            inbound_cidrs=[
                c.strip()
                for c in annotations.get(ANNOTATION + "inbound-cidrs", "0.0.0.0/0").split(",")
                if c.strip()
            ],
            listeners=listeners,
            default_target_group=None,
            tags=tags,
        )
        priority_rules: list[RuleModel] = []
        for ingress in members:
            spec = ingress.get("spec") or {}
            if spec.get("defaultBackend"):
                model.default_target_group = self._target_group(
                    model, ingress, spec["defaultBackend"], installed
                )
            for rule in spec.get("rules") or []:
                for path in (rule.get("http") or {}).get("paths") or []:
                    target = self._target_group(model, ingress, path.get("backend") or {}, installed)
                    value = path.get("path") or "/*"
                    path_type = path.get("pathType", "ImplementationSpecific")
                    if path_type == "Prefix":
                        values = ["/*"] if value == "/" else [value.rstrip("/"), value.rstrip("/") + "/*"]
                    else:
                        values = [value]
                    for port in model.listeners:
                        priority_rules.append(RuleModel(port, rule.get("host"), values, target))
        model.rules = priority_rules
        return model

    def _target_group(self, model: StackModel, ingress: dict, backend: dict, installed: Installed) -> str:
        service_ref = backend.get("service") or {}
        service_name = service_ref.get("name")
        port_ref = service_ref.get("port") or {}
        port_key = str(port_ref.get("number") or port_ref.get("name") or "")
        if not service_name or not port_key:
            raise ModelError(f"ingress {ingress['metadata']['name']}: only service backends are supported")
        namespace = ingress["metadata"]["namespace"]
        service = self.cluster.store.get(SERVICES, namespace, service_name)
        if service is None:
            raise ModelError(f'failed build model due to services "{service_name}" not found')
        service_port = next(
            (
                p
                for p in (service.get("spec") or {}).get("ports") or []
                if str(p.get("port")) == port_key or p.get("name") == port_key
            ),
            None,
        )
        if service_port is None:
            raise ModelError(
                f'failed build model due to port "{port_key}" not found in service "{service_name}"'
            )
        annotations = {
            **(service["metadata"].get("annotations") or {}),
            **(ingress["metadata"].get("annotations") or {}),
        }
        target_type = annotations.get(ANNOTATION + "target-type", "instance")
        if target_type == "ip":
            target_port = service_port.get("targetPort", service_port.get("port"))
            port = target_port if isinstance(target_port, int) else 1  # upstream: 1 for a named target port
        else:
            port = service_port.get("nodePort") or 0
            if not port:
                raise ModelError(f'service "{service_name}" has no node port for target type instance')
        name = _resource_name(
            namespace,
            service_name,
            None,
            installed.cluster_name,
            model.stack,
            namespace,
            service_name,
            port_key,
            str(port),
            target_type,
            "HTTP",
            "HTTP1",
        )
        model.target_groups[name] = TargetGroupModel(
            name=name,
            resource=f"{namespace}/{ingress['metadata']['name']}-{service_name}:{port_key}",
            port=int(port),
            target_type=target_type,
            health_check_path=annotations.get(ANNOTATION + "healthcheck-path", "/"),
        )
        return name

    # --- AWS (in the worker thread)
    def _tagged(self, elbv2: Any, arns: list[str]) -> dict[str, dict[str, str]]:
        tags: dict[str, dict[str, str]] = {}
        for start in range(0, len(arns), 20):
            for description in elbv2.describe_tags(ResourceArns=arns[start : start + 20])["TagDescriptions"]:
                tags[description["ResourceArn"]] = {
                    t["Key"]: t["Value"] for t in description.get("Tags") or []
                }
        return tags

    def _stack_resources(self, elbv2: Any, ec2: Any, cluster_name: str, stack: str):
        def ours(tags: dict[str, str]) -> bool:
            return tags.get(CLUSTER_TAG) == cluster_name and tags.get(STACK_TAG) == stack

        balancers = [
            lb
            for page in elbv2.get_paginator("describe_load_balancers").paginate()
            for lb in page["LoadBalancers"]
        ]
        lb_tags = self._tagged(elbv2, [lb["LoadBalancerArn"] for lb in balancers])
        groups = [
            tg
            for page in elbv2.get_paginator("describe_target_groups").paginate()
            for tg in page["TargetGroups"]
        ]
        tg_tags = self._tagged(elbv2, [tg["TargetGroupArn"] for tg in groups])
        security_groups = ec2.describe_security_groups(
            Filters=[
                {"Name": f"tag:{CLUSTER_TAG}", "Values": [cluster_name]},
                {"Name": f"tag:{STACK_TAG}", "Values": [stack]},
                {"Name": f"tag:{RESOURCE_TAG}", "Values": ["ManagedLBSecurityGroup"]},
            ]
        )["SecurityGroups"]
        return (
            [lb for lb in balancers if ours(lb_tags.get(lb["LoadBalancerArn"], {}))],
            {tg["TargetGroupName"]: tg for tg in groups if ours(tg_tags.get(tg["TargetGroupArn"], {}))},
            security_groups,
        )

    def deploy(self, installed: Installed, stack: str, model: StackModel | None) -> str | None:
        """Make the stack's AWS resources match `model` (None: delete them all); returns the DNSName."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return self._deploy(installed, stack, model)
        except ClientError as error:
            raise ModelError(
                f"{error.operation_name}: {error.response.get('Error', {}).get('Message', error)}"
            ) from None
        except BotoCoreError as error:
            raise ModelError(str(error)) from None

    def _deploy(self, installed: Installed, stack: str, model: StackModel | None) -> str | None:
        elbv2 = self.endpoint.client("elbv2")
        ec2 = self.endpoint.client("ec2")
        balancers, target_groups, security_groups = self._stack_resources(
            elbv2, ec2, installed.cluster_name, stack
        )
        if model is None:
            for balancer in balancers:
                self._delete_balancer(elbv2, balancer)
            for target_group in target_groups.values():
                elbv2.delete_target_group(TargetGroupArn=target_group["TargetGroupArn"])
            for group in security_groups:
                ec2.delete_security_group(GroupId=group["GroupId"])
            return None
        vpc_id = model.vpc_id or self._cluster_vpc(model.cluster_name)
        tags = model.stack_tags()
        security_group_ids = model.security_groups or [
            self._ensure_security_group(ec2, model, vpc_id, security_groups)
        ]
        balancer = next(
            (
                lb
                for lb in balancers
                if lb["LoadBalancerName"] == model.load_balancer_name and lb["Scheme"] == model.scheme
            ),
            None,
        )
        for other in balancers:
            if other is not balancer:
                self._delete_balancer(elbv2, other)
        if balancer is None:
            balancer = elbv2.create_load_balancer(
                Name=model.load_balancer_name,
                Subnets=self._subnets(ec2, model, vpc_id),
                SecurityGroups=security_group_ids,
                Scheme=model.scheme,
                Type="application",
                IpAddressType=model.ip_address_type,
                Tags=_tag_list({**tags, RESOURCE_TAG: "LoadBalancer"}),
            )["LoadBalancers"][0]
        arns: dict[str, str] = {}
        for name, wanted in model.target_groups.items():
            existing = target_groups.get(name)
            if existing is None:
                existing = elbv2.create_target_group(
                    Name=name,
                    Protocol="HTTP",
                    ProtocolVersion="HTTP1",
                    Port=wanted.port,
                    VpcId=vpc_id,
                    TargetType=wanted.target_type,
                    HealthCheckPath=wanted.health_check_path,
                    Matcher={"HttpCode": "200"},
                    Tags=_tag_list({**tags, RESOURCE_TAG: wanted.resource}),
                )["TargetGroups"][0]
            arns[name] = existing["TargetGroupArn"]
        self._listeners(elbv2, balancer["LoadBalancerArn"], model, arns, tags)
        for name, target_group in target_groups.items():
            if name not in model.target_groups:
                elbv2.delete_target_group(TargetGroupArn=target_group["TargetGroupArn"])
        return balancer["DNSName"]

    @staticmethod
    def _delete_balancer(elbv2: Any, balancer: dict) -> None:
        for listener in elbv2.describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])["Listeners"]:
            elbv2.delete_listener(ListenerArn=listener["ListenerArn"])
        elbv2.delete_load_balancer(LoadBalancerArn=balancer["LoadBalancerArn"])

    def _cluster_vpc(self, cluster_name: str) -> str:
        from botocore.exceptions import ClientError

        try:
            cluster = self.endpoint.client("eks").describe_cluster(name=cluster_name)["cluster"]
        except ClientError:
            raise ModelError(
                f"no --aws-vpc-id and no EKS cluster {cluster_name} to find the VPC by"
            ) from None
        return cluster["resourcesVpcConfig"]["vpcId"]

    @staticmethod
    def _ensure_security_group(ec2: Any, model: StackModel, vpc_id: str, existing: list[dict]) -> str:
        if existing:
            group = existing[0]
        else:
            group_id = ec2.create_security_group(
                GroupName=model.security_group_name,
                Description="[k8s] Managed SecurityGroup for LoadBalancer",
                VpcId=vpc_id,
                TagSpecifications=[
                    {
                        "ResourceType": "security-group",
                        "Tags": _tag_list({**model.stack_tags(), RESOURCE_TAG: "ManagedLBSecurityGroup"}),
                    }
                ],
            )["GroupId"]
            group = {"GroupId": group_id, "IpPermissions": []}
        have = {
            (permission.get("FromPort"), cidr["CidrIp"])
            for permission in group.get("IpPermissions") or []
            for cidr in permission.get("IpRanges") or []
        }
        missing = [
            {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": cidr}]}
            for port in sorted(model.listeners)
            for cidr in model.inbound_cidrs
            if (port, cidr) not in have
        ]
        if missing:
            ec2.authorize_security_group_ingress(GroupId=group["GroupId"], IpPermissions=missing)
        return group["GroupId"]

    @staticmethod
    def _subnets(ec2: Any, model: StackModel, vpc_id: str) -> list[str]:
        if model.subnets:
            ids = [s for s in model.subnets if s.startswith("subnet-")]
            names = [s for s in model.subnets if not s.startswith("subnet-")]
            if names:
                found = ec2.describe_subnets(
                    Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "tag:Name", "Values": names}]
                )["Subnets"]
                ids += [subnet["SubnetId"] for subnet in found]
            return ids
        role = (
            "kubernetes.io/role/elb"
            if model.scheme == "internet-facing"
            else "kubernetes.io/role/internal-elb"
        )
        subnets = ec2.describe_subnets(
            Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": f"tag:{role}", "Values": ["", "1"]}]
        )["Subnets"]
        cluster_tag = f"kubernetes.io/cluster/{model.cluster_name}"
        by_zone: dict[str, dict] = {}
        for subnet in sorted(subnets, key=lambda s: s["SubnetId"]):
            tags = {t["Key"]: t["Value"] for t in subnet.get("Tags") or []}
            other_cluster = any(k.startswith("kubernetes.io/cluster/") and k != cluster_tag for k in tags)
            if other_cluster and cluster_tag not in tags:
                continue
            zone = subnet["AvailabilityZone"]
            if zone not in by_zone or (
                cluster_tag in tags and cluster_tag not in {t["Key"] for t in by_zone[zone].get("Tags") or []}
            ):
                by_zone[zone] = subnet
        if not by_zone:
            raise ModelError(
                "couldn't auto-discover subnets: unable to resolve at least one subnet "
                f"(0 match VPC and tags: [{role}])"
            )
        return [subnet["SubnetId"] for _, subnet in sorted(by_zone.items())]

    @staticmethod
    def _listeners(
        elbv2: Any, balancer_arn: str, model: StackModel, arns: dict[str, str], tags: dict[str, str]
    ) -> None:
        existing = {
            listener["Port"]: listener
            for listener in elbv2.describe_listeners(LoadBalancerArn=balancer_arn)["Listeners"]
        }
        if model.default_target_group:
            default = {
                "Type": "forward",
                "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": arns[model.default_target_group]}]},
            }
        else:
            default = {
                "Type": "fixed-response",
                "FixedResponseConfig": {"StatusCode": "404", "ContentType": "text/plain"},
            }
        for port, listener in existing.items():
            if port not in model.listeners:
                elbv2.delete_listener(ListenerArn=listener["ListenerArn"])
        for port, (protocol, certificate) in sorted(model.listeners.items()):
            listener = existing.get(port)
            if listener is None or listener["Protocol"] != protocol:
                if listener is not None:
                    elbv2.delete_listener(ListenerArn=listener["ListenerArn"])
                arguments: dict[str, Any] = (
                    {"Certificates": [{"CertificateArn": certificate}]} if certificate else {}
                )
                listener = elbv2.create_listener(
                    LoadBalancerArn=balancer_arn,
                    Protocol=protocol,
                    Port=port,
                    DefaultActions=[default],
                    Tags=_tag_list({**tags, RESOURCE_TAG: str(port)}),
                    **arguments,
                )["Listeners"][0]
            elif _action_targets(listener["DefaultActions"][0]) != _action_targets(default):
                elbv2.modify_listener(ListenerArn=listener["ListenerArn"], DefaultActions=[default])
            wanted = [
                (
                    (
                        [{"Field": "host-header", "HostHeaderConfig": {"Values": [rule.host]}}]
                        if rule.host
                        else []
                    )
                    + [{"Field": "path-pattern", "PathPatternConfig": {"Values": rule.paths}}],
                    arns[rule.target_group],
                )
                for rule in model.rules
                if rule.port == port
            ]
            rules = [
                r
                for r in elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]
                if not r["IsDefault"]
            ]
            have = [
                (sorted(_condition_key(c) for c in r["Conditions"]), _action_targets(r["Actions"][0]))
                for r in sorted(rules, key=lambda r: int(r["Priority"]))
            ]
            if have == [
                (sorted(_condition_key(c) for c in conditions), (arn,)) for conditions, arn in wanted
            ]:
                continue
            for rule in rules:
                elbv2.delete_rule(RuleArn=rule["RuleArn"])
            for priority, (conditions, arn) in enumerate(wanted, start=1):
                elbv2.create_rule(
                    ListenerArn=listener["ListenerArn"],
                    Priority=priority,
                    Conditions=conditions,
                    Actions=[
                        {"Type": "forward", "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": arn}]}}
                    ],
                    Tags=_tag_list({**tags, RESOURCE_TAG: f"{port}:{priority}"}),
                )


def _condition_key(condition: dict) -> tuple:
    field_name = condition["Field"]
    config = condition.get("HostHeaderConfig") or condition.get("PathPatternConfig") or {}
    return (field_name, tuple(config.get("Values") or condition.get("Values") or []))


def _action_targets(action: dict) -> tuple:
    if action.get("Type") == "forward":
        groups = (action.get("ForwardConfig") or {}).get("TargetGroups") or [
            {"TargetGroupArn": action.get("TargetGroupArn")}
        ]
        return tuple(group["TargetGroupArn"] for group in groups)
    return (action.get("Type"), json.dumps(action.get("FixedResponseConfig"), sort_keys=True))
