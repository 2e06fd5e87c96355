"""Static assets: content-hashed names, immutable caching, and nothing served outside the manifest."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from aiohttp.test_utils import TestClient
from storefront.frontend.config import FrontendConfig
from storefront.frontend.static_assets import StaticManifest

STATIC_DIR = FrontendConfig().static_dir


def test_hashed_name_carries_a_digest_of_the_content(tmp_path: Path) -> None:
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "site.css").write_text("body { color: red }")
    (tmp_path / ".hidden").write_text("not an asset")
    manifest = StaticManifest.build(tmp_path)
    digest = hashlib.sha256(b"body { color: red }").hexdigest()[:8]
    assert manifest.hashed_by_name == {"css/site.css": f"css/site.{digest}.css"}
    assert manifest.url("css/site.css") == f"/static/css/site.{digest}.css"

    (tmp_path / "css" / "site.css").write_text("body { color: blue }")
    assert StaticManifest.build(tmp_path).url("css/site.css") != manifest.url("css/site.css")


async def test_page_links_hashed_assets_that_are_served_immutable(client: TestClient) -> None:
    html = await (await client.get("/")).text()
    css_url = re.search(r'href="(/static/app\.[0-9a-f]{8}\.css)"', html).group(1)
    js_url = re.search(r'src="(/static/app\.[0-9a-f]{8}\.js)"', html).group(1)

    css = await client.get(css_url)
    assert css.status == 200
    assert css.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert css.content_type == "text/css"
    assert await css.read() == (STATIC_DIR / "app.css").read_bytes()

    js = await client.get(js_url)
    assert js.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert js.content_type == "text/javascript"


async def test_unhashed_name_is_served_but_revalidated(client: TestClient) -> None:
    response = await client.get("/static/app.css")
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-cache"


async def test_stale_or_unknown_names_are_404(client: TestClient) -> None:
    stale_or_unknown = (
        "/static/app.00000000.css",
        "/static/missing.css",
        "/static/../config.py",
        "/static/%2e%2e/app.py",
    )
    for path in stale_or_unknown:
        response = await client.get(path)
        assert response.status == 404, path


async def test_missing_product_image_falls_back_to_the_placeholder(client: TestClient) -> None:
    html = await (await client.get("/products/3")).text()
    product_image = re.search(r'<img class="product-image" src="([^"]+)"', html).group(1)
    assert re.fullmatch(r"/static/(products/kitchen-item-3|img/placeholder)\.[0-9a-f]{8}\.svg", product_image)
    assert (await client.get(product_image)).status == 200
