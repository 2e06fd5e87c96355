"""Run the tiers of `make test` and print, at the end, each tier's wall time and CPU time.

    python tests/support/tiers.py lint test-unit test-molecule+test-app ...

Each argument is a make target, run as `make <target>`; `a+b` runs a and b at the same time (for tiers
that mostly wait, so that they overlap on few cores) and is done when both are. The first failure stops
the run (what make does), unless make runs with -k; the table is printed either way and the exit status
is the first failure's. CPU is user + system of the tier's processes and of every process they waited
for (os.wait4); servers a tier starts in the background (the sandbox) are not counted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass


@dataclass
class Tier:
    target: str
    group: int
    wall: float = 0.0
    cpu: float = 0.0
    status: int | None = None


def keep_going() -> bool:
    """make -k: the single-letter flags come first in MAKEFLAGS, without a dash ("k", "ks", "-- ...")."""
    flags = os.environ.get("MAKEFLAGS", "").split()
    return bool(flags) and not flags[0].startswith("-") and "k" in flags[0]


def run_group(tiers: list[Tier], make: str) -> None:
    started = time.monotonic()
    running: dict[int, tuple[subprocess.Popen, Tier]] = {}
    for tier in tiers:
        print(f"== make {tier.target}", flush=True)
        process = subprocess.Popen([make, "--no-print-directory", tier.target])
        running[process.pid] = (process, tier)
    while running:
        # wait4 rather than Popen.wait: it also gives the CPU of the tier and everything it waited for.
        pid, status, usage = os.wait4(-1, 0)
        if pid not in running:
            continue
        process, tier = running.pop(pid)
        process.returncode = tier.status = os.waitstatus_to_exitcode(status)
        tier.wall = time.monotonic() - started
        tier.cpu = usage.ru_utime + usage.ru_stime


def report(tiers: list[Tier], total: float) -> str:
    lines = ["", "== make test: wall and CPU time of each tier (a+b: run at the same time)"]
    lines.append(f"{'tier':<28} {'wall':>8} {'cpu':>8}  result")
    previous_group = None
    for tier in tiers:
        # A tier run at the same time as the one above it is shown as "+ target".
        name = ("+ " if tier.group == previous_group else "") + tier.target
        previous_group = tier.group
        if tier.status is None:
            lines.append(f"{name:<28} {'':>8} {'':>8}  not run")
            continue
        result = "ok" if tier.status == 0 else f"FAILED (exit {tier.status})"
        lines.append(f"{name:<28} {fmt(tier.wall):>8} {fmt(tier.cpu):>8}  {result}")
    cpu = sum(tier.cpu for tier in tiers)
    lines.append(f"{'total':<28} {fmt(total):>8} {fmt(cpu):>8}  load average now {os.getloadavg()[0]:.1f}")
    return "\n".join(lines)


def fmt(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}m{rest:02d}s"


def main(arguments: list[str]) -> int:
    make = os.environ.get("MAKE", "make")
    groups = [[Tier(target, number) for target in group.split("+")] for number, group in enumerate(arguments)]
    tiers = [tier for group in groups for tier in group]
    started, failed = time.monotonic(), 0
    for group in groups:
        run_group(group, make)
        failed = failed or next((tier.status for tier in group if tier.status), 0)
        if failed and not keep_going():
            break
    print(report(tiers, time.monotonic() - started), flush=True)
    return failed


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
