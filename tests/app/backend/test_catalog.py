"""Catalog reads: categories, filtering, search, sorting, pagination and product detail."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from .conftest import API, MakeProduct

PRODUCT_KEYS = {
    "id",
    "sku",
    "slug",
    "name",
    "description",
    "price_cents",
    "currency",
    "stock",
    "image",
    "category",
}


async def test_categories_come_with_product_counts(api: TestClient) -> None:
    response = await api.get(f"{API}/categories")
    assert response.status == 200
    items = (await response.json())["items"]
    assert len(items) >= 5
    assert {"coffee", "tea", "kitchen", "books", "stationery", "apparel"} <= {item["slug"] for item in items}
    assert all(item["product_count"] >= 9 for item in items)
    assert [item["name"] for item in items] == sorted(item["name"] for item in items)


async def test_products_default_page_has_the_contract_shape(api: TestClient) -> None:
    response = await api.get(f"{API}/products")
    assert response.status == 200
    page = await response.json()
    assert (page["page"], page["per_page"]) == (1, 20)
    assert page["total"] >= 50
    assert len(page["items"]) == 20
    product = page["items"][0]
    assert set(product) == PRODUCT_KEYS
    assert product["currency"] == "USD"
    assert product["image"] == f"products/{product['slug']}.svg"
    assert set(product["category"]) == {"slug", "name"}


async def test_products_filter_by_category(api: TestClient) -> None:
    page = await (await api.get(f"{API}/products", params={"category": "tea", "per_page": "100"})).json()
    assert page["total"] == len(page["items"]) >= 9
    assert {item["category"]["slug"] for item in page["items"]} == {"tea"}


async def test_unknown_category_is_an_empty_page(api: TestClient) -> None:
    page = await (await api.get(f"{API}/products", params={"category": "no-such-thing"})).json()
    assert page["items"] == []
    assert page["total"] == 0


async def test_search_matches_names_and_descriptions_case_insensitively(api: TestClient) -> None:
    by_name = await (await api.get(f"{API}/products", params={"q": "JASMINE"})).json()
    assert {"Jasmine Pearls", "Ethiopia Yirgacheffe Beans"} <= {item["name"] for item in by_name["items"]}


async def test_search_treats_like_wildcards_literally(api: TestClient, make_product: MakeProduct) -> None:
    await make_product(name="Blend 100% Arabica")
    percent = await (await api.get(f"{API}/products", params={"q": "100%"})).json()
    assert [item["name"] for item in percent["items"]] == ["Blend 100% Arabica"]
    underscore = await (await api.get(f"{API}/products", params={"q": "_"})).json()
    assert underscore["total"] == 0


async def test_sort_orders(api: TestClient, make_product: MakeProduct) -> None:
    async def names_and_prices(sort: str) -> list[tuple[str, int]]:
        page = await (await api.get(f"{API}/products", params={"sort": sort, "per_page": "100"})).json()
        return [(item["name"], item["price_cents"]) for item in page["items"]]

    by_name = await names_and_prices("name")
    assert [name for name, _ in by_name] == sorted(name for name, _ in by_name)
    ascending = [price for _, price in await names_and_prices("price_asc")]
    assert ascending == sorted(ascending)
    descending = [price for _, price in await names_and_prices("price_desc")]
    assert descending == sorted(descending, reverse=True)
    just_added = await make_product()
    newest = await (await api.get(f"{API}/products", params={"sort": "newest"})).json()
    assert newest["items"][0]["id"] == just_added


async def test_pagination_walks_the_whole_catalog_once(api: TestClient) -> None:
    seen: list[int] = []
    total = None
    for page_number in range(1, 100):
        page = await (
            await api.get(f"{API}/products", params={"page": str(page_number), "per_page": "7"})
        ).json()
        total = page["total"]
        if not page["items"]:
            break
        assert len(page["items"]) <= 7
        seen.extend(item["id"] for item in page["items"])
    assert len(seen) == len(set(seen)) == total


async def test_product_detail_and_unknown_ids(api: TestClient, make_product: MakeProduct) -> None:
    product_id = await make_product(stock=3, price_cents=1234)
    response = await api.get(f"{API}/products/{product_id}")
    assert response.status == 200
    product = await response.json()
    assert (product["id"], product["stock"], product["price_cents"]) == (product_id, 3, 1234)
    for unknown in ["999999", "0", "-1", str(2**40)]:
        missing = await api.get(f"{API}/products/{unknown}")
        assert missing.status == 404, unknown
        assert (await missing.json())["error"]["code"] == "not_found"
    not_a_number = await api.get(f"{API}/products/abc")
    assert not_a_number.status == 400
