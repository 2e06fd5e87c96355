"""Prints how long each play and each role of a run took, and how many modules it ran.

Enabled in ansible.cfg (`callbacks_enabled = converge_profile`). At the end of a run it prints one line per
play (wall time, module invocations) and, under it, each role's span: from its first task's start to its
last task's end on any host, so roles that run at the same time show overlapping spans and the play's time
follows the slowest of them. With CONVERGE_PROFILE_JSON=<path> it also writes the figures as JSON;
tests/e2e/bench.py (`make bench-converge`) reads them.

A module invocation is one execution of a module on a target (each loop item counts; skipped tasks and
items do not). Actions that run on the controller alone (set_fact, assert, debug, includes, add_host, ...)
are not module invocations: they cost milliseconds, a module invocation costs a Python process (or, with
mitogen, a call into a warm one) and its AWS calls.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter

from ansible import constants as C
from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: converge_profile
type: aggregate
short_description: wall time per play and per role, and module invocations
description:
  - Prints each play's wall time and module invocations and each role's span at the end of a run.
  - With the environment variable CONVERGE_PROFILE_JSON set to a path, writes the same figures as JSON.
requirements:
  - enable in ansible.cfg (callbacks_enabled)
"""

# Actions the controller runs itself: no module is sent to a target for them.
CONTROLLER_ACTIONS = frozenset(
    {
        "add_host",
        "assert",
        "debug",
        "fail",
        "group_by",
        "import_playbook",
        "import_role",
        "import_tasks",
        "include_role",
        "include_tasks",
        "include_vars",
        "meta",
        "pause",
        "set_fact",
        "set_stats",
        "validate_argument_spec",
    }
)


def short_action(action: str) -> str:
    return action.rsplit(".", 1)[-1]


def outermost_role(task) -> str | None:
    """The role a task belongs to as the play sees it: a role that another role includes (project's
    account.yml, included by state_backend) is counted in the including role's span."""
    role = task._role
    parent = task._parent
    while parent is not None:
        if getattr(parent, "_role", None) is not None:
            role = parent._role
        parent = getattr(parent, "_parent", None)
    return role.get_name() if role is not None else None


class Play:
    def __init__(self, name: str) -> None:
        self.name = name
        self.start = time.monotonic()
        self.end = self.start
        self.invocations: Counter[str] = Counter()
        self.role_spans: dict[str, list[float]] = {}
        self.host_spans: dict[str, list[float]] = {}

    def widen(self, spans: dict[str, list[float]], key: str, start: float, end: float) -> None:
        span = spans.setdefault(key, [start, end])
        span[0] = min(span[0], start)
        span[1] = max(span[1], end)

    def as_dict(self) -> dict:
        def durations(spans: dict[str, list[float]]) -> dict[str, dict[str, float]]:
            return {
                key: {"start": round(s - self.start, 3), "seconds": round(e - s, 3)}
                for key, (s, e) in sorted(spans.items(), key=lambda item: item[1][0])
            }

        return {
            "name": self.name,
            "seconds": round(self.end - self.start, 3),
            "module_invocations": sum(self.invocations.values()),
            "module_invocations_by_action": dict(self.invocations.most_common()),
            "roles": durations(self.role_spans),
            "hosts": durations(self.host_spans),
        }


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "converge_profile"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self) -> None:
        super().__init__()
        self.started = time.monotonic()
        self.plays: list[Play] = []
        self.task_starts: dict[tuple[str, str], float] = {}

    # --- plays ------------------------------------------------------------------------------------
    def _close_play(self) -> None:
        if self.plays:
            self.plays[-1].end = time.monotonic()

    def v2_playbook_on_play_start(self, play) -> None:
        self._close_play()
        self.plays.append(Play(play.get_name().strip() or "(unnamed play)"))

    # --- tasks ------------------------------------------------------------------------------------
    def v2_runner_on_start(self, host, task) -> None:
        self.task_starts[(host.get_name(), task._uuid)] = time.monotonic()

    def _finished(self, result, invoked: bool) -> None:
        if not self.plays:
            return
        now = time.monotonic()
        host, task = result.host.get_name(), result.task
        start = self.task_starts.pop((host, task._uuid), now)
        play = self.plays[-1]
        action = short_action(task.action)
        if invoked and action not in CONTROLLER_ACTIONS:
            results = result.result.get("results")
            if isinstance(results, list):  # a loop: each item that ran is one invocation
                play.invocations[action] += sum(1 for item in results if not item.get("skipped"))
            else:
                play.invocations[action] += 1
        role = outermost_role(task)
        if role is not None:
            play.widen(play.role_spans, role, start, now)
        play.widen(play.host_spans, host, start, now)

    def v2_runner_on_ok(self, result) -> None:
        self._finished(result, invoked=True)

    def v2_runner_on_failed(self, result, ignore_errors=False) -> None:
        self._finished(result, invoked=True)

    def v2_runner_on_unreachable(self, result) -> None:
        self._finished(result, invoked=False)

    def v2_runner_on_skipped(self, result) -> None:
        self._finished(result, invoked=False)

    # --- the end ----------------------------------------------------------------------------------
    def v2_playbook_on_stats(self, stats) -> None:
        self._close_play()
        plays = [play.as_dict() for play in self.plays]
        total = time.monotonic() - self.started
        invocations = sum(play["module_invocations"] for play in plays)
        self._write_json(stats, total, invocations, plays)
        # A machine-readable stdout (ansible.posix.json, as the end-to-end tests use) stays parseable.
        if C.config.get_config_value("DEFAULT_STDOUT_CALLBACK").endswith(("json", "jsonl")):
            return
        self._display.banner("CONVERGE PROFILE")
        for play in plays:
            seconds, invoked = play["seconds"], play["module_invocations"]
            self._display.display(f"{seconds:7.2f} s  {invoked:3d} module invocations  {play['name']}")
            for role, span in play["roles"].items():
                self._display.display(f"{span['seconds']:9.2f} s  role {role} (from +{span['start']:.2f} s)")
        self._display.display(f"{total:7.2f} s  {invocations:3d} module invocations  in all plays")

    def _write_json(self, stats, total: float, invocations: int, plays: list[dict]) -> None:
        path = os.environ.get("CONVERGE_PROFILE_JSON")
        if path:
            hosts = [stats.summarize(host) for host in sorted(stats.processed)]
            figures = {
                "seconds": round(total, 3),
                "module_invocations": invocations,
                "changed": sum(host["changed"] for host in hosts),
                "failures": sum(host["failures"] + host["unreachable"] for host in hosts),
                "plays": plays,
            }
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(figures, handle)
