"""Helpers of the conformance suite: run kubectl, helm and ansible-playbook against one emulator."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
PLAYBOOKS = HERE / "playbooks"
CHARTS = HERE / "charts"
BIN = Path(sys.executable).parent


def pinned_tool(name: str) -> str:
    """The pinned binary in the virtualenv (make helm), so the suite never picks up another version."""
    pinned = BIN / name
    if not pinned.is_file():
        pytest.fail(f"{pinned} is missing: run `make helm`")
    return str(pinned)


@dataclass
class Cli:
    """Runs kubectl or helm against one emulator and returns the finished process."""

    binary: str
    kubeconfig: Path

    def __call__(
        self, *args: str, check: bool = True, stdin: str | None = None
    ) -> subprocess.CompletedProcess:
        env = {**os.environ, "KUBECONFIG": str(self.kubeconfig)}
        result = subprocess.run(
            [self.binary, *args], input=stdin, capture_output=True, text=True, env=env, check=False
        )
        if check and result.returncode != 0:
            pytest.fail(
                f"{Path(self.binary).name} {' '.join(args)} exited {result.returncode}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
            )
        return result


@dataclass
class PlaybookRun:
    """An ansible-playbook run as reported by the json stdout callback."""

    returncode: int
    report: dict[str, Any]
    stderr: str

    @property
    def stats(self) -> dict[str, int]:
        return self.report["stats"]["localhost"]

    def task(self, name: str) -> dict[str, Any]:
        for play in self.report["plays"]:
            for task in play["tasks"]:
                if task["task"]["name"] == name:
                    return task["hosts"]["localhost"]
        raise KeyError(f"no task named {name!r} ran; tasks: {self.task_names()}")

    def task_names(self) -> list[str]:
        return [task["task"]["name"] for play in self.report["plays"] for task in play["tasks"]]


@dataclass
class Ansible:
    kubeconfig: Path

    def __call__(self, playbook: str, *, check: bool = False, **extra_vars: Any) -> PlaybookRun:
        command = [
            str(BIN / "ansible-playbook"),
            "-i",
            "localhost,",
            "-c",
            "local",
            str(PLAYBOOKS / playbook),
            "--extra-vars",
            json.dumps({"ansible_python_interpreter": sys.executable, **extra_vars}),
        ]
        command += ["--check"] if check else []
        env = {
            **os.environ,
            "ANSIBLE_STDOUT_CALLBACK": "json",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_LOCALHOST_WARNING": "false",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
            "K8S_AUTH_KUBECONFIG": str(self.kubeconfig),
            "KUBECONFIG": str(self.kubeconfig),
        }
        result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        try:
            report = json.loads(result.stdout)
        except json.JSONDecodeError:
            pytest.fail(
                f"ansible-playbook {playbook} printed no JSON report:\n{result.stdout}\n{result.stderr}"
            )
        return PlaybookRun(result.returncode, report, result.stderr)


def unique_name(request: pytest.FixtureRequest, prefix: str = "t") -> str:
    """A DNS label derived from the test's name, unique per run, so leftovers point at their test."""
    stem = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower().removeprefix("test_")).strip("-")
    return f"{prefix}-{stem[:40].rstrip('-')}-{uuid.uuid4().hex[:6]}"
