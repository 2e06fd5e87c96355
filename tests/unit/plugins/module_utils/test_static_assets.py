"""The bucket's names and headers for the static assets are the ones the storefront's frontend serves."""

from __future__ import annotations

from pathlib import Path

from ansible_collections.ecommerce_demo.platform.plugins.module_utils import static_assets

REPO = Path(__file__).resolve().parents[4]
STATIC = REPO / "app" / "storefront" / "frontend" / "static"


def test_every_file_under_both_names_with_the_frontends_headers(monkeypatch) -> None:
    monkeypatch.syspath_prepend(str(REPO / "app"))
    from storefront.frontend.static_assets import CONTENT_TYPES, IMMUTABLE, REVALIDATE, StaticManifest

    manifest = StaticManifest.build(STATIC)
    wanted = static_assets.wanted_objects(str(STATIC), "static/")
    expected = {f"static/{name}": REVALIDATE for name in manifest.hashed_by_name} | {
        f"static/{hashed}": IMMUTABLE for hashed in manifest.name_by_hashed
    }
    assert {key: obj["cache_control"] for key, obj in wanted.items()} == expected
    assert static_assets.CONTENT_TYPES == CONTENT_TYPES
    assert wanted["static/app.css"]["content_type"] == "text/css"


def test_hidden_files_are_skipped(tmp_path: Path) -> None:
    (tmp_path / ".keep").write_text("")
    (tmp_path / "a.js").write_text("x")
    assert sorted(static_assets.wanted_objects(str(tmp_path), "")) == ["a.2d711642.js", "a.js"]


def test_upload_only_when_missing_or_different(tmp_path: Path) -> None:
    (tmp_path / "a.css").write_text("body{}")
    wanted = static_assets.wanted_objects(str(tmp_path), "static/")["static/a.css"]
    same = {key: wanted[key] for key in ("sha256", "content_type", "cache_control")}
    assert static_assets.needs_upload(wanted, None)
    assert not static_assets.needs_upload(wanted, same)
    assert static_assets.needs_upload(wanted, {**same, "cache_control": "max-age=60"})
    assert static_assets.needs_upload(wanted, {**same, "sha256": None})
