"""The converge_profile callback (tools/callback_plugins): plays, role spans and module invocations."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

REPOSITORY_ROOT = Path(__file__).resolve().parents[3]
PLAYBOOK_BIN = Path(sys.executable).parent / "ansible-playbook"


def run_profiled(tmp_path: Path, plays: list[dict], stdout_callback: str = "ansible.builtin.default"):
    (tmp_path / "roles" / "counted" / "tasks").mkdir(parents=True)
    (tmp_path / "roles" / "counted" / "tasks" / "main.yml").write_text(
        yaml.safe_dump(
            [
                {
                    "name": "Run a module in the role",
                    "ansible.builtin.command": "true",
                    "changed_when": False,
                },
                {"name": "Set a fact in the role", "ansible.builtin.set_fact": {"counted_fact": 1}},
            ]
        )
    )
    playbook = tmp_path / "playbook.yml"
    playbook.write_text(yaml.safe_dump(plays))
    profile = tmp_path / "profile.json"
    environment = {
        **os.environ,
        "ANSIBLE_CONFIG": str(REPOSITORY_ROOT / "ansible.cfg"),
        "ANSIBLE_ROLES_PATH": str(tmp_path / "roles"),
        "ANSIBLE_STDOUT_CALLBACK": stdout_callback,
        "ANSIBLE_NOCOLOR": "1",
        "CONVERGE_PROFILE_JSON": str(profile),
    }
    run = subprocess.run(
        [
            str(PLAYBOOK_BIN),
            "-i",
            "localhost,",
            "-c",
            "local",
            "-e",
            f"ansible_python_interpreter={sys.executable}",
            str(playbook),
        ],
        cwd=REPOSITORY_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return run, json.loads(profile.read_text())


def test_counts_each_module_run_and_not_controller_actions_or_skips(tmp_path):
    run, profile = run_profiled(
        tmp_path,
        [
            {
                "name": "First play",
                "hosts": "localhost",
                "gather_facts": False,
                "tasks": [
                    {
                        "name": "A loop of three",
                        "ansible.builtin.command": "true",
                        "changed_when": False,
                        "loop": [1, 2, 3],
                        "when": "item != 2",
                    },
                    {"name": "A skipped module", "ansible.builtin.command": "true", "when": False},
                    {"name": "A controller action", "ansible.builtin.debug": {"msg": "hi"}},
                    {"name": "The role", "ansible.builtin.include_role": {"name": "counted"}},
                ],
            },
            {
                "name": "Second play",
                "hosts": "localhost",
                "gather_facts": False,
                "tasks": [{"name": "Change", "ansible.builtin.command": "true"}],
            },
        ],
    )
    first, second = profile["plays"]
    assert first["name"] == "First play"
    assert first["module_invocations"] == 3  # two loop items ran, one skipped; the role's command
    assert first["module_invocations_by_action"] == {"command": 3}
    assert list(first["roles"]) == ["counted"]
    assert first["roles"]["counted"]["seconds"] <= first["seconds"]
    assert second["module_invocations"] == 1
    assert profile["module_invocations"] == 4
    assert profile["changed"] == 1
    assert "CONVERGE PROFILE" in run.stdout


def test_a_json_stdout_stays_parseable(tmp_path):
    run, profile = run_profiled(
        tmp_path,
        [
            {
                "name": "Only play",
                "hosts": "localhost",
                "gather_facts": False,
                "tasks": [{"name": "Run", "ansible.builtin.command": "true", "changed_when": False}],
            }
        ],
        stdout_callback="ansible.posix.json",
    )
    assert json.loads(run.stdout)["stats"]["localhost"]["ok"] == 1
    assert profile["module_invocations"] == 1
