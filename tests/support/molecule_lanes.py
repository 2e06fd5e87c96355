"""Every molecule scenario, in lanes that run side by side, each lane on a private sandbox of its own.

    python tests/support/molecule_lanes.py --lanes 2 cache cdn database ...

A lane is a private sandbox (its own SANDBOX_HOME and free ports, tests/support/sandbox_cli.py) and one
`molecule test -s <scenario>` at a time; a free lane takes the next scenario from the one queue, so a
long scenario does not hold the others back. Lanes are worth it because a scenario mostly waits
(ansible-playbook starting, module calls answered by the sandbox one after another, module waits): one
lane keeps about one core busy. Each scenario's output is printed whole when it ends, with its wall time,
so that the lanes' lines do not interleave. The first failure lets running scenarios finish, starts no
new one, and makes the exit status 1. The sandboxes are stopped however the run ends.
"""

from __future__ import annotations

import argparse
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

from tests.support.sandbox_cli import private_sandbox

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# What molecule scenarios need: moto (with its EKS bridge), the Kubernetes emulator, and PostgreSQL and
# Redis for app_deploy's local shop.
COMPONENTS = ("aws", "kube", "postgres", "redis")


class Lanes:
    def __init__(self, scenarios: list[str]) -> None:
        self.todo: queue.Queue[str] = queue.Queue()
        for scenario in scenarios:
            self.todo.put(scenario)
        self.failed: list[str] = []
        self.timings: list[tuple[str, float, float, str]] = []
        self.print_lock = threading.Lock()

    def run_lane(self, env: dict[str, str]) -> None:
        while not self.failed:
            try:
                scenario = self.todo.get_nowait()
            except queue.Empty:
                return
            started = time.monotonic()
            process = subprocess.Popen(
                [str(BIN / "molecule"), "test", "-s", scenario],
                cwd=REPO,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            output = process.stdout.read()
            process.stdout.close()
            # wait4 rather than wait: it also gives the CPU of molecule and every process it waited for.
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
            wall, cpu = time.monotonic() - started, usage.ru_utime + usage.ru_stime
            outcome = "ok" if process.returncode == 0 else f"FAILED (exit {process.returncode})"
            with self.print_lock:
                if process.returncode != 0:
                    self.failed.append(scenario)
                self.timings.append((scenario, wall, cpu, outcome))
                print(f"== molecule test -s {scenario} (lane {env['SANDBOX_AWS_PORT']})", flush=True)
                print(output, end="", flush=True)
                print(f"== molecule test -s {scenario}: {outcome}, {wall:.0f} s, CPU {cpu:.0f} s", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lanes", type=int, default=2, help="scenarios run side by side (default 2)")
    parser.add_argument("scenarios", nargs="+")
    args = parser.parse_args(argv)
    lanes = Lanes(args.scenarios)
    count = max(1, min(args.lanes, len(args.scenarios)))
    with tempfile.TemporaryDirectory(prefix="molecule-lanes-") as home, ExitStack() as stack:
        envs = [
            stack.enter_context(private_sandbox(Path(home) / f"lane{number}", *COMPONENTS))
            for number in range(count)
        ]
        threads = [threading.Thread(target=lanes.run_lane, args=(env,)) for env in envs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    print(f"== molecule: {len(lanes.timings)} scenarios in {count} lanes (wall s, CPU s)")
    for scenario, wall, cpu, outcome in lanes.timings:
        print(f"   {scenario:<20} {wall:6.0f} {cpu:6.0f}  {outcome}")
    if lanes.failed:
        print(f"== molecule: failed: {' '.join(lanes.failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
