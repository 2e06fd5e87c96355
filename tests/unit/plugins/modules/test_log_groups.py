"""log_groups: several groups in one run, created tagged with their retention, then left alone; drift in
retention or tags reaches the group that drifted; check mode plans without writing; absent deletes."""

from ansible_collections.ecommerce_demo.platform.plugins.modules import log_groups as groups_module

NAMES = ["/aws/eks/demo/cluster", "/demo/app"]
TAGS = {"Project": "demo", "Environment": "sandbox"}
WANTED = {"names": NAMES, "retention": 14, "tags": TAGS}


def described(logs):
    return {g["logGroupName"]: g for g in logs.describe_log_groups()["logGroups"]}


def test_groups_are_planned_created_tagged_and_then_left_alone(moto_client, run_module):
    logs = moto_client("logs")
    plan = run_module(groups_module, check_mode=True, diff=True, **WANTED)
    assert plan["changed"] is True
    assert [(g["name"], g["arn"], g["changed"]) for g in plan["log_groups"]] == [
        (n, None, True) for n in NAMES
    ]
    assert plan["diff"]["after"][NAMES[1]] == {"retention": 14, "kms_key_id": None, "tags": TAGS}
    assert described(logs) == {}
    made = run_module(groups_module, **WANTED)
    assert all(g["arn"].endswith(f"log-group:{n}") for g, n in zip(made["log_groups"], NAMES, strict=True))
    groups = described(logs)
    assert sorted(groups) == sorted(NAMES)
    assert {g["retentionInDays"] for g in groups.values()} == {14}
    arn = made["log_groups"][1]["arn"]
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == TAGS
    for check_mode in (True, False):
        again = run_module(groups_module, check_mode=check_mode, diff=True, **WANTED)
        assert again["changed"] is False
        assert again["diff"]["before"] == again["diff"]["after"]


def test_drift_reaches_the_group_that_drifted(moto_client, run_module):
    logs = moto_client("logs")
    made = run_module(groups_module, **WANTED)
    logs.put_retention_policy(logGroupName=NAMES[0], retentionInDays=30)
    logs.tag_resource(resourceArn=made["log_groups"][1]["arn"], tags={"Extra": "x"})
    plan = run_module(groups_module, check_mode=True, diff=True, **WANTED)
    assert [g["changed"] for g in plan["log_groups"]] == [True, True]
    assert plan["diff"]["before"][NAMES[0]]["retention"] == 30
    assert plan["diff"]["before"][NAMES[1]]["tags"] == {**TAGS, "Extra": "x"}
    assert described(logs)[NAMES[0]]["retentionInDays"] == 30  # check mode wrote nothing
    assert run_module(groups_module, **WANTED)["changed"] is True
    assert described(logs)[NAMES[0]]["retentionInDays"] == 14
    assert logs.list_tags_for_resource(resourceArn=made["log_groups"][1]["arn"])["tags"] == TAGS
    assert run_module(groups_module, **WANTED)["changed"] is False


def test_absent_deletes_the_groups_and_then_nothing(moto_client, run_module):
    logs = moto_client("logs")
    run_module(groups_module, **WANTED)
    absent = {"names": NAMES, "state": "absent"}
    assert run_module(groups_module, check_mode=True, **absent)["changed"] is True
    assert len(described(logs)) == 2
    assert run_module(groups_module, **absent)["changed"] is True
    assert described(logs) == {}
    assert run_module(groups_module, **absent)["changed"] is False


def test_a_group_whose_name_starts_another_is_not_mistaken_for_it(moto_client, run_module):
    logs = moto_client("logs")
    logs.create_log_group(logGroupName="/demo/app-old")
    plan = run_module(groups_module, check_mode=True, names=["/demo/app"], retention=14)
    assert plan["log_groups"] == [{"name": "/demo/app", "arn": None, "changed": True}]


def test_an_unknown_retention_is_refused(moto_client, run_module):
    failed = run_module(groups_module, names=NAMES, retention=10)
    assert failed["failed"] is True
    assert "retention must be one of" in failed["msg"]
