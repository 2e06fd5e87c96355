"""The URL map. Route templates double as metric labels and as the paths of the OpenAPI document."""

from __future__ import annotations

from aiohttp import web

from storefront.backend import views
from storefront.backend.openapi import openapi_handler
from storefront.common.metrics import metrics_handler

API = "/api/v1"


def setup_routes(app: web.Application) -> None:
    router = app.router
    router.add_get("/healthz", views.healthz)
    router.add_get("/readyz", views.readyz)
    router.add_get("/metrics", metrics_handler())
    router.add_get(f"{API}/openapi.json", openapi_handler())
    router.add_get(f"{API}/categories", views.list_categories)
    router.add_get(f"{API}/products", views.list_products)
    router.add_get(f"{API}/products/{{id}}", views.get_product)
    router.add_get(f"{API}/cart", views.get_cart)
    router.add_post(f"{API}/cart/items", views.add_cart_item)
    router.add_patch(f"{API}/cart/items/{{product_id}}", views.update_cart_item)
    router.add_delete(f"{API}/cart/items/{{product_id}}", views.remove_cart_item)
    router.add_post(f"{API}/checkout", views.checkout)
    router.add_get(f"{API}/orders/{{id}}", views.get_order)
