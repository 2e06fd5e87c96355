"""kubectl's typed clients send protobuf bodies: the imperative generators work as against EKS."""

from __future__ import annotations

import json

import pytest


def test_kubectl_auth_whoami(kubectl):
    result = kubectl("auth", "whoami", "-o", "json")

    assert json.loads(result.stdout)["status"]["userInfo"]["username"]


@pytest.mark.parametrize(
    ("args", "kind", "name"),
    [
        (
            ("deployment", "web", "--image=public.ecr.aws/nginx/nginx:1.27", "--replicas=2", "--port=80"),
            "deployment",
            "web",
        ),
        (("job", "once", "--image=busybox:1.36", "--", "date"), "job", "once"),
        (("cronjob", "tick", "--image=busybox:1.36", "--schedule=*/5 * * * *"), "cronjob", "tick"),
        (("role", "reader", "--verb=get,list", "--resource=pods"), "role", "reader"),
        (("rolebinding", "reader", "--role=reader", "--user=jane"), "rolebinding", "reader"),
        (("ingress", "web", "--class=alb", "--rule=shop.example.com/*=web:80"), "ingress", "web"),
        (("service", "clusterip", "api", "--tcp=80:8080"), "service", "api"),
        (("serviceaccount", "robot"), "serviceaccount", "robot"),
        (("poddisruptionbudget", "web", "--selector=app=web", "--min-available=1"), "pdb", "web"),
    ],
)
def test_kubectl_create_generators(kubectl, namespace, args, kind, name):
    kubectl("create", "-n", namespace, *args)

    stored = json.loads(kubectl("get", kind, name, "-n", namespace, "-o", "json").stdout)

    assert stored["metadata"]["name"] == name
    if kind == "deployment":
        container = stored["spec"]["template"]["spec"]["containers"][0]
        assert stored["spec"]["replicas"] == 2
        assert container["image"] == "public.ecr.aws/nginx/nginx:1.27"
        assert container["ports"] == [{"containerPort": 80, "protocol": "TCP"}]
    if kind == "job":
        assert stored["spec"]["template"]["spec"]["containers"][0]["command"] == ["date"]
        assert stored["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    if kind == "ingress":
        path = stored["spec"]["rules"][0]["http"]["paths"][0]
        assert stored["spec"]["rules"][0]["host"] == "shop.example.com"
        assert path["backend"]["service"] == {"name": "web", "port": {"number": 80}}
    if kind == "rolebinding":
        assert stored["roleRef"] == {
            "apiGroup": "rbac.authorization.k8s.io",
            "kind": "Role",
            "name": "reader",
        }
        assert stored["subjects"][0]["name"] == "jane"
    if kind == "service":
        assert stored["spec"]["ports"][0]["targetPort"] == 8080


def test_kubectl_create_token(kubectl, namespace):
    result = kubectl("create", "token", "default", "-n", namespace, "--duration=10m")

    assert result.stdout.strip()
