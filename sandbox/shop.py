"""The storefront as local processes on the sandbox's PostgreSQL and Redis: the shop on 127.0.0.1:8080.

`python -m sandbox shop --database-secret NAME --cache-secret NAME [--check] [--absent]`, run by the
app_deploy role when `app_deploy_local_shop` is true (inventories/local), converges:

1. the credentials: read from the sandbox's Secrets Manager (the secrets the services phase seeded:
   `rds-password` with username, password, dbname; `redis-auth` with auth_token), never from a command
   line, a log or a file;
2. PostgreSQL: a LOGIN role with the seeded password (sent as a SCRAM-SHA-256 verifier, so the password
   itself never reaches the server; an existing role is compared with the same verifier) owning a
   database of the seeded name;
3. Redis: on the sandbox's private Redis (ours), an ACL user `storefront` whose password is the seeded
   AUTH token, limited to the storefront's keys; the backend authenticates as it with REDIS_PASSWORD, as
   it does with ElastiCache's AUTH token. A Redis the sandbox did not start (found on 127.0.0.1:6379 or
   given by SANDBOX_REDIS_URL) belongs to someone else: no user is added there and the backend connects
   without AUTH (REDIS_PASSWORD unset), which the output says;
4. the processes: the backend (after `migrate` and `seed`, as the chart's init containers do) and the
   frontend, each a sandbox Server (PID file, log under <SANDBOX_HOME>/shop/), credentials passed in
   their environment only. They are restarted when their configuration changes (a fingerprint of it is
   kept beside the PID file) and stopped by `python -m sandbox down` or `--absent`.

It prints one JSON object: changed, actions (what it did, or would do with --check), url. `--absent` stops
the processes and drops the database, the role and the ACL user.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import urllib.parse
from dataclasses import dataclass

import boto3
import redis

from sandbox import components
from sandbox.config import HOST, REPO_ROOT, SETTINGS
from sandbox.process import SandboxError, Server

REDIS_USER = "storefront"
# The backend's CACHE_KEY_PREFIX: the ACL user may touch only these keys.
REDIS_KEY_PATTERN = "storefront:*"
SCRAM_ITERATIONS = 4096


@dataclass(frozen=True)
class Credentials:
    db_user: str
    db_password: str
    db_name: str
    redis_token: str


def read_credentials(database_secret: str, cache_secret: str) -> Credentials:
    client = boto3.client(
        "secretsmanager",
        endpoint_url=SETTINGS.aws_endpoint,
        region_name=SETTINGS.region,
        aws_access_key_id="sandbox",
        aws_secret_access_key="sandbox",  # noqa: S106 - moto accepts any credentials
    )

    def read(name: str) -> dict:
        try:
            return json.loads(client.get_secret_value(SecretId=name)["SecretString"])
        except client.exceptions.ResourceNotFoundException as exc:
            raise SandboxError(f"shop: secret {name} not found; run the services phase first") from exc

    database, cache = read(database_secret), read(cache_secret)
    return Credentials(database["username"], database["password"], database["dbname"], cache["auth_token"])


def scram_verifier(password: str, salt: bytes, iterations: int = SCRAM_ITERATIONS) -> str:
    """PostgreSQL's stored form of a SCRAM-SHA-256 password (RFC 5802, 7677)."""
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    stored_key = hashlib.sha256(hmac.new(salted, b"Client Key", "sha256").digest()).digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    salt_b64, stored_b64, server_b64 = (base64.b64encode(v).decode() for v in (salt, stored_key, server_key))
    return f"SCRAM-SHA-256${iterations}:{salt_b64}${stored_b64}:{server_b64}"


def verifier_matches(stored: str | None, password: str) -> bool:
    if not stored or not stored.startswith("SCRAM-SHA-256$"):
        return False
    iterations, salt = stored.split("$")[1].split(":")
    return hmac.compare_digest(stored, scram_verifier(password, base64.b64decode(salt), int(iterations)))


def _admin_url(record: dict, store: str) -> str:
    url = record.get(f"{store}_url")
    if not url:
        raise SandboxError(f"shop: the sandbox has no {store}; run `python -m sandbox up {store}`")
    return url


async def _ddl(connection, template: str, *values: str) -> None:
    """Run DDL built by the server's own format() (%I identifiers, %L literals): quoting done right."""
    placeholders = ", ".join(f"${i}::text" for i in range(1, len(values) + 1))
    statement = await connection.fetchval(f"SELECT format('{template}', {placeholders})", *values)
    await connection.execute(statement)


async def _postgres(admin_url: str, creds: Credentials, check: bool, absent: bool) -> list[str]:
    import asyncpg  # the storefront's own driver, in the venv with the app's requirements

    user, name = creds.db_user, creds.db_name
    actions: list[str] = []
    connection = await asyncpg.connect(admin_url)
    try:
        role = await connection.fetchrow("SELECT rolpassword FROM pg_authid WHERE rolname = $1", user)
        owner = await connection.fetchval(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1", name
        )
        if absent:
            if owner is not None:
                actions.append(f"drop PostgreSQL database {name}")
                check or await _ddl(connection, "DROP DATABASE %I WITH (FORCE)", name)
            if role is not None:
                actions.append(f"drop PostgreSQL role {user}")
                check or await _ddl(connection, "DROP ROLE %I", user)
            return actions
        if role is None or not verifier_matches(role["rolpassword"], creds.db_password):
            verb = "CREATE" if role is None else "ALTER"
            actions.append(f"{verb.lower()} PostgreSQL role {user} with the seeded password")
            verifier = scram_verifier(creds.db_password, os.urandom(16))
            check or await _ddl(connection, f"{verb} ROLE %I LOGIN PASSWORD %L", user, verifier)
        if owner is None:
            actions.append(f"create PostgreSQL database {name} owned by {user}")
            check or await _ddl(connection, "CREATE DATABASE %I OWNER %I", name, user)
        elif owner != user:
            actions.append(f"make {user} the owner of PostgreSQL database {name}")
            check or await _ddl(connection, "ALTER DATABASE %I OWNER TO %I", name, user)
    finally:
        await connection.close()
    return actions


def _redis_acl(admin_url: str, creds: Credentials, check: bool, absent: bool) -> list[str]:
    client = redis.Redis.from_url(admin_url, socket_timeout=5)
    try:
        user = client.acl_getuser(REDIS_USER)
        if absent:
            if user is not None and not check:
                client.acl_deluser(REDIS_USER)
            return [f"delete Redis ACL user {REDIS_USER}"] if user is not None else []
        token_hash = hashlib.sha256(creds.redis_token.encode()).hexdigest()
        converged = (
            user is not None
            and "on" in user["flags"]
            and user["passwords"] == [token_hash]
            and REDIS_KEY_PATTERN in str(user.get("keys"))
        )
        if converged:
            return []
        if not check:
            client.acl_setuser(
                REDIS_USER,
                enabled=True,
                reset=True,
                passwords=[f"+{creds.redis_token}"],
                keys=[REDIS_KEY_PATTERN],
                commands=["+@all", "-@dangerous"],
            )
        verb = "create" if user is None else "update"
        return [f"{verb} Redis ACL user {REDIS_USER} with the seeded AUTH token"]
    finally:
        client.close()


def _http_ready(url: str) -> bool:
    return components._http_ok(url)


def _server(name: str, module: str, port: int, env: dict[str, str]) -> Server:
    return Server(
        name=name,
        argv=[sys.executable, "-m", module, "serve"],
        port=port,
        state_dir=SETTINGS.state_dir("shop"),
        ready=lambda: _http_ready(f"http://{HOST}:{port}/healthz"),
        env={"PYTHONPATH": str(REPO_ROOT / "app"), "HOST": HOST, "PORT": str(port), **env},
    )


def servers(backend_env: dict[str, str] | None = None) -> tuple[Server, Server]:
    backend = _server("shop-backend", "storefront.backend", SETTINGS.shop_backend_port, backend_env or {})
    frontend = _server(
        "shop-frontend",
        "storefront.frontend",
        SETTINGS.shop_port,
        {"BACKEND_URL": f"http://{HOST}:{SETTINGS.shop_backend_port}"},
    )
    return backend, frontend


def _fingerprint(server: Server) -> str:
    return hashlib.sha256(json.dumps([list(server.argv), server.env], sort_keys=True).encode()).hexdigest()


def _fingerprint_file(server: Server):
    return server.state_dir / f"{server.name}.config"


def _prepare_database(env: dict[str, str]) -> None:
    """migrate, then seed: what the chart's init containers do before each backend pod serves."""
    for command in ("migrate", "seed"):
        result = subprocess.run(
            [sys.executable, "-m", "storefront.backend", command],
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT / "app"), **env},
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise SandboxError(f"shop: `storefront.backend {command}` failed:\n{result.stderr[-2000:]}")


def stop() -> list[str]:
    lines = []
    for server in reversed(servers()):
        lines.append(server.stop())
        _fingerprint_file(server).unlink(missing_ok=True)
    return lines


def converge(database_secret: str, cache_secret: str, check: bool, absent: bool = False) -> dict:
    record = components.read_record()
    try:
        creds = read_credentials(database_secret, cache_secret)
    except SandboxError:
        if check and not absent:
            # A plan of site.yml on an empty account: the services phase seeds the secrets before this runs.
            return {
                "changed": True,
                "actions": [
                    f"create the PostgreSQL role and database named in {database_secret}, once seeded",
                    *(f"start {server.name} on {HOST}:{server.port}" for server in servers()),
                ],
                "notes": [],
                "url": f"http://{HOST}:{SETTINGS.shop_port}",
            }
        if not absent:
            raise
        creds = None  # the secrets went first (a second teardown): what they named was dropped with them
    redis_is_ours = record.get("redis_origin") == "private server"
    actions: list[str] = []
    notes: list[str] = []
    if absent:
        running = [s.name for s in servers() if s.pid() is not None]
        actions += [f"stop {name}" for name in running]
        if not check:
            stop()
        if creds is not None:
            actions += asyncio.run(_postgres(_admin_url(record, "postgres"), creds, check, absent=True))
            if redis_is_ours:
                actions += _redis_acl(_admin_url(record, "redis"), creds, check, absent=True)
        return {"changed": bool(actions), "actions": actions, "notes": notes, "url": ""}

    postgres_admin, redis_admin = _admin_url(record, "postgres"), _admin_url(record, "redis")
    actions += asyncio.run(_postgres(postgres_admin, creds, check, absent=False))
    pg = urllib.parse.urlsplit(postgres_admin)
    user = urllib.parse.quote(creds.db_user, safe="")
    password = urllib.parse.quote(creds.db_password, safe="")
    backend_env = {"DATABASE_URL": f"postgresql://{user}:{password}@{pg.hostname}:{pg.port}/{creds.db_name}"}
    redis_url = urllib.parse.urlsplit(redis_admin)
    if redis_is_ours:
        actions += _redis_acl(redis_admin, creds, check, absent=False)
        backend_env["REDIS_URL"] = f"redis://{REDIS_USER}@{redis_url.hostname}:{redis_url.port}/0"
        backend_env["REDIS_PASSWORD"] = creds.redis_token
    else:
        backend_env["REDIS_URL"] = f"redis://{redis_url.hostname}:{redis_url.port}{redis_url.path or '/0'}"
        notes.append(
            f"Redis at {redis_url.hostname}:{redis_url.port} is not the sandbox's own: used without AUTH, "
            "no ACL user added to it"
        )

    for server in servers(backend_env):
        fingerprint = _fingerprint(server)
        fingerprint_file = _fingerprint_file(server)
        running = server.pid() is not None and server.ready()
        current = fingerprint_file.read_text() if fingerprint_file.exists() else ""
        if running and current == fingerprint:
            continue
        actions.append(f"{'restart' if running else 'start'} {server.name} on {HOST}:{server.port}")
        if check:
            continue
        if running:
            server.stop()
        if server.name == "shop-backend":
            _prepare_database(backend_env)
        server.start()
        fingerprint_file.write_text(fingerprint)
    return {
        "changed": bool(actions),
        "actions": actions,
        "notes": notes,
        "url": f"http://{HOST}:{SETTINGS.shop_port}",
    }
