"""s3_static_assets uploads each file under its plain and hashed names, only when missing or different;
check mode and diff say exactly what a real run uploads."""

import json
from pathlib import Path

import pytest
from ansible_collections.ecommerce_demo.platform.plugins.module_utils import static_assets
from ansible_collections.ecommerce_demo.platform.plugins.modules import s3_static_assets as assets_module

REGION = "us-east-1"
BUCKET = "ecommerce-demo-assets-123456789012"
RECORD = ".s3_static_assets/static/record.json"


@pytest.fixture
def s3(moto_client):
    client = moto_client("s3")
    client.create_bucket(Bucket=BUCKET)
    return client


@pytest.fixture
def static(tmp_path: Path) -> Path:
    (tmp_path / "img").mkdir()
    (tmp_path / "app.css").write_text("body{}")
    (tmp_path / "img" / "logo.svg").write_text("<svg/>")
    return tmp_path


def keys(s3) -> list[str]:
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="static/").get("Contents", []))


def test_plan_then_upload_then_nothing_to_do(s3, static, run_module):
    args = {"bucket": BUCKET, "src": str(static)}
    plan = run_module(assets_module, check_mode=True, diff=True, **args)
    assert plan["changed"] is True
    assert plan["objects"] == 4
    assert keys(s3) == []
    done = run_module(assets_module, **args)
    assert done["uploaded"] == plan["uploaded"] == keys(s3)
    assert len(keys(s3)) == 4
    hashed_css = next(k for k in keys(s3) if k.startswith("static/app.") and k != "static/app.css")
    head = s3.head_object(Bucket=BUCKET, Key=hashed_css)
    assert (head["ContentType"], head["CacheControl"]) == ("text/css", "public, max-age=31536000, immutable")
    plain_svg = s3.head_object(Bucket=BUCKET, Key="static/img/logo.svg")
    assert (plain_svg["ContentType"], plain_svg["CacheControl"]) == ("image/svg+xml", "no-cache")
    again = run_module(assets_module, **args)
    assert (again["changed"], again["uploaded"]) == (False, [])
    assert run_module(assets_module, check_mode=True, **args)["changed"] is False


def test_a_changed_header_or_file_is_uploaded_again(s3, static, run_module):
    args = {"bucket": BUCKET, "src": str(static)}
    run_module(assets_module, **args)
    s3.copy_object(
        Bucket=BUCKET,
        Key="static/app.css",
        CopySource={"Bucket": BUCKET, "Key": "static/app.css"},
        CacheControl="max-age=60",
        ContentType="text/css",
        MetadataDirective="REPLACE",
    )
    (static / "img" / "logo.svg").write_text("<svg></svg>")
    result = run_module(assets_module, check_mode=True, diff=True, **args)
    changed = ["static/app.css", "static/img/logo.svg"]
    assert [k for k in result["uploaded"] if "." not in Path(k).stem] == changed
    assert len(result["uploaded"]) == 3  # and the new hashed name of the changed svg
    assert result["diff"]["before"]["missing_or_different"] == result["uploaded"]
    assert run_module(assets_module, **args)["uploaded"] == result["uploaded"]


def test_purge_deletes_what_the_directory_no_longer_has(s3, static, run_module):
    s3.put_object(Bucket=BUCKET, Key="static/old.11111111.css", Body=b"x")
    kept = run_module(assets_module, bucket=BUCKET, src=str(static))
    assert kept["deleted"] == []
    purged = run_module(assets_module, bucket=BUCKET, src=str(static), purge=True)
    assert purged["deleted"] == ["static/old.11111111.css"]
    assert "static/old.11111111.css" not in keys(s3)


def test_a_missing_bucket_is_planned_in_check_mode_and_fails_a_real_run(s3, static, run_module):
    plan = run_module(assets_module, check_mode=True, bucket="no-such-bucket", src=str(static))
    assert (plan["changed"], len(plan["uploaded"])) == (True, 4)
    failed = run_module(assets_module, bucket="no-such-bucket", src=str(static))
    assert failed["failed"] is True
    assert failed["msg"] == "Bucket no-such-bucket does not exist"


@pytest.fixture
def heads(monkeypatch):
    """The keys whose headers the module reads (HeadObject), in the order it reads them."""
    read = []
    real_head = assets_module.head

    def counting_head(client, bucket, key):
        read.append(key)
        return real_head(client, bucket, key)

    monkeypatch.setattr(assets_module, "head", counting_head)
    return read


def test_a_converged_bucket_is_read_from_the_record_not_object_by_object(s3, static, run_module, heads):
    args = {"bucket": BUCKET, "src": str(static)}
    run_module(assets_module, **args)
    assert heads == []  # nothing was there to read
    record = json.loads(s3.get_object(Bucket=BUCKET, Key=RECORD)["Body"].read())
    assert sorted(record["objects"]) == keys(s3)
    for check_mode in (True, False):
        again = run_module(assets_module, check_mode=check_mode, **args)
        assert (again["changed"], again["uploaded"]) == (False, [])
    assert heads == []


def test_drift_right_after_a_run_is_found_although_the_record_vouched_before(s3, static, run_module, heads):
    args = {"bucket": BUCKET, "src": str(static)}
    run_module(assets_module, **args)
    # Rewritten at once (within the second of the run): its LastModified is still a later one than recorded.
    s3.copy_object(
        Bucket=BUCKET,
        Key="static/img/logo.svg",
        CopySource={"Bucket": BUCKET, "Key": "static/img/logo.svg"},
        ContentType="text/plain",
        MetadataDirective="REPLACE",
    )
    plan = run_module(assets_module, check_mode=True, **args)
    assert plan["uploaded"] == ["static/img/logo.svg"]
    assert heads == ["static/img/logo.svg"]
    assert run_module(assets_module, **args)["uploaded"] == ["static/img/logo.svg"]
    assert run_module(assets_module, **args)["changed"] is False
    assert heads.count("static/img/logo.svg") == 2  # the plan's and the fix's read; then the record's word


def test_without_a_usable_record_every_object_is_read_and_the_record_written_again(
    s3, static, run_module, heads
):
    args = {"bucket": BUCKET, "src": str(static)}
    run_module(assets_module, **args)
    s3.put_object(Bucket=BUCKET, Key=RECORD, Body=b"not json")
    assert run_module(assets_module, check_mode=True, **args)["changed"] is False
    assert sorted(heads) == keys(s3)
    heads.clear()
    assert run_module(assets_module, **args)["changed"] is False  # the record is bookkeeping, not a change
    assert sorted(heads) == keys(s3)
    heads.clear()
    assert run_module(assets_module, **args)["changed"] is False
    assert heads == []


def test_the_record_vouches_only_for_objects_written_before_the_listing_it_was_made_from():
    listing = {"a": {"etag": '"1"', "last_modified": 100}, "b": {"etag": '"2"', "last_modified": 101}}
    settings = {"sha256": "x", "content_type": "text/css", "cache_control": "no-cache"}
    record = static_assets.new_record(listing, 101, {"a": settings, "b": settings, "c": settings})
    assert sorted(record["objects"]) == ["a"]  # b: same second as the listing; c: not listed
    assert static_assets.vouched_settings(record, listing) == {"a": settings}
    assert static_assets.vouched_settings(record, {"a": {"etag": '"1"', "last_modified": 102}}) == {}
    assert static_assets.vouched_settings(record, {"a": {"etag": '"9"', "last_modified": 100}}) == {}
    assert static_assets.vouched_settings({**record, "version": 0}, listing) == {}
    assert static_assets.parse_record("[]") == {}
