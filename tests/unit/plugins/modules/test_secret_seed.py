"""secret_seed runs end to end, in-process, against moto's Secrets Manager (moto.mock_aws)."""

import json

import boto3
import pytest
from ansible_collections.ecommerce_demo.platform.plugins.modules import secret_seed
from moto import mock_aws

REGION = "us-east-1"
NAME = "ecommerce-demo/rds-password"
TAGS = {"Project": "ecommerce-demo", "Environment": "sandbox"}
FIELDS = {"username": "ecommerce", "dbname": "ecommerce"}


@pytest.fixture
def sm():
    with mock_aws():
        yield boto3.client(
            "secretsmanager", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing"
        )


def stored(sm, name=NAME):
    return json.loads(sm.get_secret_value(SecretId=name)["SecretString"])


def seed(run_module, **args):
    return run_module(
        secret_seed,
        **{"name": NAME, "value_rules": "rds_master_password", "fields": FIELDS, "tags": TAGS, **args},
    )


def assert_no_value_in(result, value):
    assert value not in json.dumps(result)


def test_check_mode_on_empty_predicts_creation_and_makes_nothing(sm, run_module):
    planned = seed(run_module, check_mode=True, diff=True)
    assert planned["changed"] is True
    assert planned["arn"] is None
    assert planned["keys"] == ["dbname", "password", "username"]
    assert planned["diff"]["before"] == {"keys": {}}
    assert planned["diff"]["after"]["tags"] == TAGS
    assert sm.list_secrets()["SecretList"] == []


def test_create_then_no_change_and_never_the_value(sm, run_module):
    created = seed(run_module, diff=True)
    assert created["changed"] is True
    assert created["arn"].startswith(f"arn:aws:secretsmanager:{REGION}:")
    document = stored(sm)
    password = document.pop("password")
    assert document == FIELDS
    assert len(password) == 32
    assert not set(password) & set('/@" ')
    assert created["version_id"] == sm.get_secret_value(SecretId=NAME)["VersionId"]
    assert_no_value_in(created, password)
    described = sm.describe_secret(SecretId=NAME)
    assert {t["Key"]: t["Value"] for t in described["Tags"]} == TAGS  # tagged at creation

    again = seed(run_module, diff=True)
    assert again["changed"] is False
    assert again["version_id"] == created["version_id"]
    assert stored(sm)["password"] == password
    checked = seed(run_module, check_mode=True)
    assert checked["changed"] is False


def test_connection_fields_are_filled_in_later_without_touching_the_password(sm, run_module):
    seed(run_module)
    password = stored(sm)["password"]
    planned = seed(run_module, check_mode=True, diff=True, fields={"host": "db.internal", "port": 5432})
    assert planned["changed"] is True
    assert planned["changed_keys"] == ["host", "port"]
    assert planned["diff"]["after"]["keys"]["host"] == "(value hidden, changes)"
    assert planned["diff"]["after"]["keys"]["password"] == "(value hidden)"
    assert "host" not in stored(sm)

    filled = seed(run_module, fields={"host": "db.internal", "port": 5432})
    assert filled["changed"] is True
    assert stored(sm) == {**FIELDS, "password": password, "host": "db.internal", "port": 5432}
    assert seed(run_module, fields={"host": "db.internal", "port": 5432})["changed"] is False


def test_rotate_replaces_only_the_value(sm, run_module):
    seed(run_module)
    before = stored(sm)
    rotated = seed(run_module, rotate=True, diff=True)
    assert rotated["changed"] is True
    assert rotated["changed_keys"] == ["password"]
    after = stored(sm)
    assert after["password"] != before["password"]
    assert {k: v for k, v in after.items() if k != "password"} == FIELDS
    assert_no_value_in(rotated, after["password"])
    assert_no_value_in(rotated, before["password"])


def test_elasticache_token(sm, run_module):
    result = run_module(
        secret_seed,
        name="t/redis-auth",
        value_rules="elasticache_auth_token",
        value_key="auth_token",
        length=64,
    )
    assert result["keys"] == ["auth_token"]
    token = stored(sm, "t/redis-auth")["auth_token"]
    assert len(token) == 64
    assert not set(token) & set('@"/')


def test_a_length_the_consumer_refuses_fails_before_any_call(sm, run_module):
    failed = run_module(
        secret_seed,
        name="t/redis-auth",
        value_rules="elasticache_auth_token",
        value_key="auth_token",
        length=10,
    )
    assert failed["failed"] is True
    assert "16-128" in failed["msg"]
    assert failed["msg"].startswith("length:")
    assert sm.list_secrets()["SecretList"] == []


def test_a_non_json_secret_fails_without_quoting_it(sm, run_module):
    sm.create_secret(Name=NAME, SecretString="plain-old-value")
    failed = seed(run_module)
    assert failed["failed"] is True
    assert "JSON" in failed["msg"]
    assert "plain-old-value" not in json.dumps(failed)


def test_description_and_tags_are_updated(sm, run_module):
    seed(run_module)
    changed = seed(run_module, description="RDS master credentials", tags={**TAGS, "Owner": "me"}, diff=True)
    assert changed["changed"] is True
    assert changed["diff"]["after"]["tags"] == {**TAGS, "Owner": "me"}
    described = sm.describe_secret(SecretId=NAME)
    assert described["Description"] == "RDS master credentials"
    assert {t["Key"]: t["Value"] for t in described["Tags"]} == {**TAGS, "Owner": "me"}


def test_delete_with_recovery_window_then_restore(sm, run_module):
    seed(run_module)
    password = stored(sm)["password"]
    deleted = run_module(secret_seed, name=NAME, state="absent", recovery_window_days=7, diff=True)
    assert deleted["changed"] is True
    assert deleted["diff"]["after"] == {"state": "scheduled for deletion"}
    assert "DeletedDate" in sm.describe_secret(SecretId=NAME)
    assert run_module(secret_seed, name=NAME, state="absent")["changed"] is False

    planned = seed(run_module, check_mode=True)
    assert planned["changed"] is True
    assert "DeletedDate" in sm.describe_secret(SecretId=NAME)
    restored = seed(run_module)
    assert restored["changed"] is True
    assert stored(sm)["password"] == password
    assert seed(run_module)["changed"] is False


def test_force_delete_is_immediate_and_idempotent(sm, run_module):
    seed(run_module)
    planned = run_module(secret_seed, name=NAME, state="absent", force_delete=True, check_mode=True)
    assert planned["changed"] is True
    assert len(sm.list_secrets()["SecretList"]) == 1
    assert run_module(secret_seed, name=NAME, state="absent", force_delete=True)["changed"] is True
    assert sm.list_secrets()["SecretList"] == []
    assert run_module(secret_seed, name=NAME, state="absent", force_delete=True)["changed"] is False


def test_a_recovery_window_aws_refuses_fails(sm, run_module):
    failed = run_module(secret_seed, name=NAME, state="absent", recovery_window_days=3)
    assert failed["failed"] is True
    assert "recovery_window_days" in failed["msg"]
