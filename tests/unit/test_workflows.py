"""The GitHub Actions workflows: every action pinned to a full commit SHA, AWS reached by OIDC only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

WORKFLOWS = sorted((Path(__file__).resolve().parents[2] / ".github" / "workflows").glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_by_commit(path: Path) -> None:
    used = [step["uses"] for step in steps(yaml.safe_load(path.read_text())) if "uses" in step]
    assert used
    assert [uses for uses in used if not PINNED.match(uses)] == []


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_aws_credentials_come_from_oidc_only(path: Path) -> None:
    text = path.read_text()
    workflow = yaml.safe_load(text)
    for step in steps(workflow):
        if "configure-aws-credentials" in step.get("uses", ""):
            assert "role-to-assume" in step["with"]
            assert not {"aws-access-key-id", "aws-secret-access-key"} & set(step["with"])
            assert workflow["permissions"]["id-token"] == "write"
    assert "AWS_SECRET_ACCESS_KEY" not in text


def test_the_images_workflow_pushes_both_images_tagged_by_commit() -> None:
    (path,) = [p for p in WORKFLOWS if p.name == "images.yml"]
    workflow = yaml.safe_load(path.read_text())
    (job,) = workflow["jobs"].values()
    assert job["strategy"]["matrix"]["component"] == ["backend", "frontend"]
    (build,) = [s for s in job["steps"] if "build-push-action" in s.get("uses", "")]
    assert build["with"]["context"] == "app"
    assert build["with"]["file"] == "app/${{ matrix.component }}/Dockerfile"
    assert build["with"]["tags"].endswith(":${{ github.sha }}")
    assert build["with"]["push"] is True
    assert "github-actions-role" in str(job["steps"])
