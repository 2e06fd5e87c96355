"""The OpenAPI 3.1 document of the API, built from the pydantic models the handlers validate with."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from aiohttp import web
from pydantic import BaseModel, TypeAdapter
from pydantic.json_schema import models_json_schema

from storefront.backend import schemas
from storefront.common.cart import CART_COOKIE, CART_HEADER

COMPONENTS = "#/components/schemas/{model}"
_REQUEST_MODELS = (schemas.CartItemCreate, schemas.CartItemUpdate, schemas.CheckoutRequest)
_RESPONSE_MODELS = (
    schemas.Health,
    schemas.Readiness,
    schemas.CategoryList,
    schemas.Product,
    schemas.ProductPage,
    schemas.Cart,
    schemas.Order,
    schemas.Error,
)


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": COMPONENTS.format(model=model.__name__)}


def _json_content(model: type[BaseModel]) -> dict[str, Any]:
    return {"application/json": {"schema": _ref(model)}}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": _json_content(schemas.Error)}


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """`X | None` means "may be omitted" for a query parameter; a parameter has no null value."""
    if "anyOf" in schema:
        alternatives = [alt for alt in schema["anyOf"] if alt != {"type": "null"}]
        if len(alternatives) == 1:
            rest = {key: value for key, value in schema.items() if key not in {"anyOf", "default"}}
            return alternatives[0] | rest
    return schema


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema()
    required = set(schema.get("required", ()))
    parameters = []
    for name, prop in schema["properties"].items():
        prop = _without_null(dict(prop))
        prop.pop("title", None)
        parameter = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if "description" in prop:
            parameter["description"] = prop.pop("description")
        parameters.append(parameter)
    return parameters


def _path_parameter(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema}


_PRODUCT_ID = {"type": "integer", "minimum": 1, "maximum": schemas.INT32_MAX}
_CART_ID_HEADER = {
    "name": CART_HEADER,
    "in": "header",
    "required": False,
    "description": f"The cart to use; browsers send the {CART_COOKIE} cookie instead",
    "schema": {"type": "string", "format": "uuid"},
}
_X_CACHE = {"X-Cache": {"description": "HIT or MISS", "schema": {"type": "string", "enum": ["HIT", "MISS"]}}}
_CART_RESPONSE = {
    "description": f"The cart; the {CART_COOKIE} cookie and {CART_HEADER} header name it",
    "headers": {
        CART_HEADER: {"schema": {"type": "string", "format": "uuid"}},
        "Set-Cookie": {"schema": {"type": "string"}},
    },
    "content": _json_content(schemas.Cart),
}
_UNAVAILABLE = _error("The database is unavailable")
_INVALID = _error("Invalid input: what is wrong is in error.details")
_TOO_LARGE = _error("Request body larger than the limit")
_UNSUPPORTED = _error("The body is not sent as application/json")


def _cart_operation(summary: str, body: type[BaseModel] | None, *, path_id: bool) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": summary,
        "tags": ["cart"],
        "parameters": [_CART_ID_HEADER],
        "responses": {"200": _CART_RESPONSE, "400": _INVALID, "503": _UNAVAILABLE},
    }
    if path_id:
        operation["parameters"] = [_path_parameter("product_id", _PRODUCT_ID), _CART_ID_HEADER]
        operation["responses"] |= {"400": _INVALID, "404": _error("Unknown product or not in the cart")}
    if body is not None:
        operation["requestBody"] = {"required": True, "content": _json_content(body)}
        operation["responses"] |= {
            "400": _INVALID,
            "404": _error("Unknown product or not in the cart"),
            "409": _error("Not enough stock"),
            "413": _TOO_LARGE,
            "415": _UNSUPPORTED,
        }
    return operation


def build_openapi() -> dict[str, Any]:
    _, definitions = models_json_schema(
        [(model, "validation") for model in _REQUEST_MODELS]
        + [(model, "serialization") for model in _RESPONSE_MODELS],
        ref_template=COMPONENTS,
    )
    paths: dict[str, Any] = {
        "/healthz": {
            "get": {
                "summary": "Liveness",
                "tags": ["probes"],
                "responses": {"200": {"description": "Alive", "content": _json_content(schemas.Health)}},
            }
        },
        "/readyz": {
            "get": {
                "summary": "Readiness: PostgreSQL answers (Redis is reported, not required)",
                "tags": ["probes"],
                "responses": {
                    "200": {"description": "Ready", "content": _json_content(schemas.Readiness)},
                    "503": {
                        "description": "PostgreSQL unavailable",
                        "content": _json_content(schemas.Readiness),
                    },
                },
            }
        },
        "/api/v1/categories": {
            "get": {
                "summary": "Categories with their product counts",
                "tags": ["catalog"],
                "responses": {
                    "200": {
                        "description": "All categories",
                        "headers": _X_CACHE,
                        "content": _json_content(schemas.CategoryList),
                    },
                    "503": _UNAVAILABLE,
                },
            }
        },
        "/api/v1/products": {
            "get": {
                "summary": "Products, filtered, searched, sorted and paginated",
                "tags": ["catalog"],
                "parameters": _query_parameters(schemas.ProductQuery),
                "responses": {
                    "200": {
                        "description": "One page of products",
                        "headers": _X_CACHE,
                        "content": _json_content(schemas.ProductPage),
                    },
                    "400": _INVALID,
                    "503": _UNAVAILABLE,
                },
            }
        },
        "/api/v1/products/{id}": {
            "get": {
                "summary": "One product",
                "tags": ["catalog"],
                "parameters": [_path_parameter("id", _PRODUCT_ID)],
                "responses": {
                    "200": {
                        "description": "The product",
                        "headers": _X_CACHE,
                        "content": _json_content(schemas.Product),
                    },
                    "400": _INVALID,
                    "404": _error("No such product"),
                    "503": _UNAVAILABLE,
                },
            }
        },
        "/api/v1/cart": {
            "get": _cart_operation("The cart (created empty when missing or unknown)", None, path_id=False)
        },
        "/api/v1/cart/items": {
            "post": _cart_operation("Add a quantity of a product", schemas.CartItemCreate, path_id=False)
        },
        "/api/v1/cart/items/{product_id}": {
            "patch": _cart_operation("Set the quantity of a line", schemas.CartItemUpdate, path_id=True),
            "delete": _cart_operation(
                "Remove a line (removing an absent line is not an error)", None, path_id=True
            ),
        },
        "/api/v1/checkout": {
            "post": {
                "summary": "Turn the cart into an order; a retry with the same Idempotency-Key returns it",
                "tags": ["checkout"],
                "parameters": [
                    {
                        "name": "Idempotency-Key",
                        "in": "header",
                        "required": True,
                        "schema": TypeAdapter(schemas.IdempotencyKey).json_schema(),
                    },
                    _CART_ID_HEADER,
                ],
                "requestBody": {"required": True, "content": _json_content(schemas.CheckoutRequest)},
                "responses": {
                    "201": {"description": "Order created", "content": _json_content(schemas.Order)},
                    "200": {
                        "description": "The order this key created before",
                        "content": _json_content(schemas.Order),
                    },
                    "400": _INVALID,
                    "409": _error("The cart is empty, stock is short, or the key was used for another order"),
                    "413": _TOO_LARGE,
                    "415": _UNSUPPORTED,
                    "503": _UNAVAILABLE,
                },
            }
        },
        "/api/v1/orders/{id}": {
            "get": {
                "summary": "An order, given its id and the email it was placed with",
                "tags": ["orders"],
                "parameters": [
                    _path_parameter("id", {"type": "string", "format": "uuid"}),
                    *_query_parameters(schemas.OrderQuery),
                ],
                "responses": {
                    "200": {"description": "The order", "content": _json_content(schemas.Order)},
                    "400": _INVALID,
                    "404": _error("No order with this id and email"),
                    "503": _UNAVAILABLE,
                },
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Storefront API", "version": "1.0.0"},
        "paths": paths,
        "components": {"schemas": definitions["$defs"]},
    }


@cache
def openapi_body() -> bytes:
    return json.dumps(build_openapi()).encode()


def openapi_handler():
    async def openapi(request: web.Request) -> web.Response:
        return web.Response(body=openapi_body(), content_type="application/json")

    return openapi
