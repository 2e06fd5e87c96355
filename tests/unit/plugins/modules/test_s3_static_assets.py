"""s3_static_assets uploads each file under its plain and hashed names, only when missing or different;
check mode and diff say exactly what a real run uploads."""

from pathlib import Path

import pytest
from ansible_collections.ecommerce_demo.platform.plugins.modules import s3_static_assets as assets_module

REGION = "us-east-1"
BUCKET = "ecommerce-demo-assets-123456789012"


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
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []))


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
