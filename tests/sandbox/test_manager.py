"""`python -m sandbox`: idempotent start, clear errors, status, reset, and a stop that leaves nothing."""

from __future__ import annotations

import json
import socket
import urllib.request
from pathlib import Path

import boto3

from sandbox.process import pid_is_alive


def pids(env: dict[str, str]) -> dict[str, int]:
    home = Path(env["SANDBOX_HOME"])
    return {p.stem: int(p.read_text()) for p in home.glob("*/*.pid")}


def test_aws_up_is_idempotent_and_down_leaves_no_process(sandbox_env: dict[str, str], run_sandbox) -> None:
    first = run_sandbox(sandbox_env, "up", "aws")
    assert first.returncode == 0, first.stderr
    assert "aws: started" in first.stdout
    started = pids(sandbox_env)["aws"]

    again = run_sandbox(sandbox_env, "up", "aws")
    assert again.returncode == 0, again.stderr
    assert "aws: already running" in again.stdout
    assert pids(sandbox_env)["aws"] == started

    status = run_sandbox(sandbox_env, "status")
    assert f"running (pid {started})" in status.stdout
    assert f"http://127.0.0.1:{sandbox_env['SANDBOX_AWS_PORT']}" in status.stdout

    down = run_sandbox(sandbox_env, "down")
    assert down.returncode == 0, down.stderr
    assert not pid_is_alive(started)
    assert pids(sandbox_env) == {}


def test_reset_clears_aws_resources(sandbox_env: dict[str, str], run_sandbox) -> None:
    assert run_sandbox(sandbox_env, "up", "aws").returncode == 0
    try:
        s3 = boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{sandbox_env['SANDBOX_AWS_PORT']}",
            region_name="us-east-1",
            aws_access_key_id="sandbox",
            aws_secret_access_key="sandbox",
        )
        s3.create_bucket(Bucket="reset-me")
        reset = run_sandbox(sandbox_env, "reset", "aws")
        assert reset.returncode == 0, reset.stderr
        assert s3.list_buckets()["Buckets"] == []
    finally:
        run_sandbox(sandbox_env, "down")


def test_port_taken_is_a_clear_error(sandbox_env: dict[str, str], run_sandbox) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", int(sandbox_env["SANDBOX_AWS_PORT"])))
        squatter.listen()
        result = run_sandbox(sandbox_env, "up", "aws")
    assert result.returncode == 1
    assert f"port 127.0.0.1:{sandbox_env['SANDBOX_AWS_PORT']} is already taken" in result.stderr
    assert "SANDBOX_AWS_PORT" in result.stderr
    assert pids(sandbox_env) == {}


def test_private_datastores_start_answer_and_stop(sandbox_env: dict[str, str], run_sandbox) -> None:
    env = {**sandbox_env, "SANDBOX_DATASTORES": "private"}
    env.pop("SANDBOX_POSTGRES_URL", None)
    env.pop("SANDBOX_REDIS_URL", None)
    up = run_sandbox(env, "up", "postgres", "redis")
    try:
        assert up.returncode == 0, up.stderr
        assert "postgres: started" in up.stdout
        assert "redis: started" in up.stdout
        record = json.loads((Path(env["SANDBOX_HOME"]) / "sandbox.json").read_text())
        assert record["postgres_url"].endswith(f":{env['SANDBOX_POSTGRES_PORT']}/postgres")
        assert record["redis_origin"] == "private server"
        with socket.create_connection(("127.0.0.1", int(env["SANDBOX_REDIS_PORT"]))) as redis:
            redis.sendall(b"PING\r\n")
            assert redis.recv(7) == b"+PONG\r\n"
        status = run_sandbox(env, "status")
        assert "postgres  running (private server)" in status.stdout
        running = pids(env)
    finally:
        down = run_sandbox(env, "down")
    assert down.returncode == 0, down.stderr
    assert running.keys() == {"postgres", "redis"}
    assert not any(pid_is_alive(pid) for pid in running.values())


def test_datastore_url_from_environment_wins(sandbox_env: dict[str, str], run_sandbox) -> None:
    env = {**sandbox_env, "SANDBOX_REDIS_URL": "redis://:s3cret@127.0.0.1:6390/2"}
    up = run_sandbox(env, "up", "redis")
    assert up.returncode == 0, up.stderr
    assert "redis: using the environment at redis://:***@127.0.0.1:6390/2" in up.stdout
    assert "s3cret" not in up.stdout
    assert pids(env) == {}


def test_moto_api_answers_after_up(sandbox_env: dict[str, str], run_sandbox) -> None:
    assert run_sandbox(sandbox_env, "up", "aws").returncode == 0
    try:
        port = sandbox_env["SANDBOX_AWS_PORT"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=5) as response:
            assert response.status == 200
    finally:
        run_sandbox(sandbox_env, "down")
