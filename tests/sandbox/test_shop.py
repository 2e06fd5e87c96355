"""`python -m sandbox shop`: the storefront as local processes on private PostgreSQL and Redis, with the
credentials of the sandbox's Secrets Manager; --check plans, a second run changes nothing, `down` stops the
processes, --absent drops what it made."""

from __future__ import annotations

import base64
import json
import os
import urllib.request
from pathlib import Path

import boto3
import psycopg
import redis

from sandbox.process import pid_is_alive
from sandbox.shop import scram_verifier, verifier_matches
from tests.support.net import free_port

PASSWORD = "p&ss:w%rd!"  # characters a URL must escape
TOKEN = "tok-123!#$<>"
SECRETS = ("--database-secret", "t/rds-password", "--cache-secret", "t/redis-auth")


def test_scram_verifier_is_the_one_postgresql_accepts_and_compares() -> None:
    salt = base64.b64decode("c2FsdHNhbHRzYWx0c2FsdA==")
    verifier = scram_verifier("secret", salt)
    assert verifier.startswith("SCRAM-SHA-256$4096:c2FsdHNhbHRzYWx0c2FsdA==$")
    assert verifier_matches(verifier, "secret")
    assert not verifier_matches(verifier, "Secret")
    assert not verifier_matches("md5abc", "secret")
    assert not verifier_matches(None, "secret")


def shop(run_sandbox, env: dict[str, str], *args: str) -> dict:
    result = run_sandbox(env, "shop", *SECRETS, *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_shop_lifecycle(sandbox_env: dict[str, str], run_sandbox) -> None:
    env = {
        **sandbox_env,
        "SANDBOX_DATASTORES": "private",
        "SANDBOX_SHOP_PORT": str(free_port()),
        "SANDBOX_SHOP_BACKEND_PORT": str(free_port()),
    }
    env.pop("SANDBOX_POSTGRES_URL", None)
    env.pop("SANDBOX_REDIS_URL", None)
    up = run_sandbox(env, "up", "aws", "postgres", "redis")
    try:
        assert up.returncode == 0, up.stderr
        record = json.loads((Path(env["SANDBOX_HOME"]) / "sandbox.json").read_text())
        secretsmanager = boto3.client(
            "secretsmanager",
            endpoint_url=f"http://127.0.0.1:{env['SANDBOX_AWS_PORT']}",
            region_name="us-east-1",
            aws_access_key_id="sandbox",
            aws_secret_access_key="sandbox",
        )
        # Before the services phase has seeded the secrets: a plan (site.yml --check on an empty account)
        # says what a run will do; a real run refuses.
        early_plan = shop(run_sandbox, env, "--check")
        assert early_plan["changed"], early_plan
        assert len(early_plan["actions"]) == 3, early_plan
        refused = run_sandbox(env, "shop", *SECRETS)
        assert refused.returncode != 0
        assert "not found" in refused.stderr, refused.stderr

        database = {"username": "shopper", "password": PASSWORD, "dbname": "shop", "host": "x", "port": 5432}
        secretsmanager.create_secret(Name="t/rds-password", SecretString=json.dumps(database))
        secretsmanager.create_secret(Name="t/redis-auth", SecretString=json.dumps({"auth_token": TOKEN}))

        plan = shop(run_sandbox, env, "--check")
        assert plan["changed"], plan
        assert len(plan["actions"]) == 5, plan
        first = shop(run_sandbox, env)
        assert first["actions"] == plan["actions"]
        assert first["url"] == f"http://127.0.0.1:{env['SANDBOX_SHOP_PORT']}"
        with urllib.request.urlopen(f"{first['url']}/api/v1/products") as answer:  # noqa: S310
            assert json.load(answer)["items"]
        with urllib.request.urlopen(f"http://127.0.0.1:{env['SANDBOX_SHOP_BACKEND_PORT']}/readyz") as answer:
            assert json.load(answer) == {"postgres": "ok", "redis": "ok"}  # AUTH as the ACL user worked
        assert shop(run_sandbox, env) == {**first, "changed": False, "actions": []}
        assert shop(run_sandbox, env, "--check")["changed"] is False

        with psycopg.connect(record["postgres_url"]) as admin:
            stored = admin.execute("SELECT rolpassword FROM pg_authid WHERE rolname = 'shopper'").fetchone()[
                0
            ]
        assert verifier_matches(stored, PASSWORD)
        acl = redis.Redis.from_url(record["redis_url"])
        assert acl.acl_getuser("storefront")["passwords"]
        with redis.Redis.from_url(
            record["redis_url"].replace("://", "://storefront@"), password=TOKEN
        ) as user:
            assert user.ping()

        home = Path(env["SANDBOX_HOME"]) / "shop"
        pids = [int(p.read_text()) for p in home.glob("*.pid")]
        for pid in pids:  # the credentials are in the processes' environment, never in their argv
            argv = Path(f"/proc/{pid}/cmdline").read_bytes()
            assert PASSWORD.encode() not in argv
            assert TOKEN.encode() not in argv
        assert PASSWORD not in (home / "shop-backend.log").read_text()

        down = run_sandbox(env, "down", "shop")
        assert down.returncode == 0, down.stderr
        assert not any(pid_is_alive(pid) for pid in pids)

        absent = shop(run_sandbox, env, "--absent")
        assert absent["actions"] == [
            "drop PostgreSQL database shop",
            "drop PostgreSQL role shopper",
            "delete Redis ACL user storefront",
        ]
        assert shop(run_sandbox, env, "--absent")["changed"] is False
        acl.close()
    finally:
        run_sandbox(env, "down")
    assert os.path.isdir(env["SANDBOX_HOME"])
