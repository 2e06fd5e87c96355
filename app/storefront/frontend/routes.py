"""URL map of the frontend; route names are what templates and redirects build URLs from."""

from __future__ import annotations

from aiohttp import web

from storefront.common.metrics import metrics_handler

from . import views
from .keys import STATIC_KEY
from .middlewares import page
from .page_cache import shared_with_visitors_without_cart as shared
from .proxy import proxy_api


def setup_routes(app: web.Application) -> None:
    router = app.router
    # Pages show their failures as HTML pages (middlewares.py). Catalog pages: the same HTML for every
    # visitor without a cart (storefront/frontend/page_cache.py).
    router.add_get("/", page(shared(views.home)), name="home")
    router.add_get("/products", page(shared(views.product_list)), name="products")
    router.add_get("/products/{product_id}", page(shared(views.product_detail)), name="product")
    router.add_get("/cart", page(views.cart_page), name="cart")
    router.add_post("/cart/items", page(views.cart_add), name="cart_add")
    router.add_post("/cart/items/{product_id}", page(views.cart_update), name="cart_update")
    router.add_get("/checkout", page(views.checkout_page), name="checkout")
    router.add_post("/checkout", page(views.checkout_submit), name="checkout_submit")
    router.add_get("/orders/{order_id}", page(views.order_page), name="order")
    router.add_route("*", "/api/{path:.*}", proxy_api, name="api")
    router.add_get("/static/{path:.+}", app[STATIC_KEY].handle, name="static")
    router.add_get("/healthz", views.healthz, name="healthz")
    router.add_get("/readyz", views.readyz, name="readyz")
    router.add_get("/metrics", metrics_handler(), name="metrics")
