"""Request and response shapes. The same models validate input and produce the OpenAPI document, so the
document cannot drift from what the handlers accept and return."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from storefront.common.errors import InvalidInput
from storefront.common.parsing import parse_integer

INT32_MAX = 2**31 - 1
MAX_LINE_QUANTITY = 999
# PostgreSQL text cannot hold NUL and nobody's name holds a control character (C0 or C1). Patterns avoid
# `\s` and other classes whose meaning differs between regex engines (pydantic's, JSON Schema clients').
_PRINTABLE = r"^[^\x00-\x1f\x7f-\x9f]*$"
_EMAIL_PART = r"[^@ \x00-\x1f\x7f-\x9f]+"
_EMAIL = rf"^{_EMAIL_PART}@{_EMAIL_PART}\.{_EMAIL_PART}$"

Text = Annotated[str, Field(min_length=1, max_length=200, pattern=_PRINTABLE)]
Email = Annotated[str, Field(min_length=3, max_length=254, pattern=_EMAIL)]


def _json_number_only(value: object) -> object:
    """JSON Schema's integer includes 2.0, but "2" and true are wrong types, not integers."""
    if isinstance(value, str | bool):
        raise ValueError("must be a JSON number, not a string or boolean")
    return value


def _query_integer(value: object) -> object:
    """A query value is text; it names an integer only as a JSON number does (storefront.common.parsing)."""
    if isinstance(value, str):
        parsed = parse_integer(value)
        if parsed is None:
            raise ValueError("must be an integer written in ASCII digits, as JSON writes numbers")
        return parsed
    return value


QueryInteger = BeforeValidator(_query_integer)
ProductId = Annotated[int, Field(ge=1, le=INT32_MAX), BeforeValidator(_json_number_only)]
Quantity = Annotated[int, Field(ge=1, le=MAX_LINE_QUANTITY), BeforeValidator(_json_number_only)]
Slug = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]

Model = TypeVar("Model", bound=BaseModel)


class RequestModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class QueryModel(BaseModel):
    # Unknown query parameters (cache busters, tracking tags) are ignored rather than refused.
    model_config = ConfigDict(extra="ignore", frozen=True)


# ---- requests


class ProductQuery(QueryModel):
    category: Slug | None = Field(default=None, description="Only products of this category")
    q: Annotated[str, Field(max_length=100, pattern=_PRINTABLE)] | None = Field(
        default=None, description="Text searched in product names and descriptions"
    )
    sort: Literal["name", "price_asc", "price_desc", "newest"] = "name"
    page: Annotated[int, Field(ge=1, le=10_000), QueryInteger] = 1
    per_page: Annotated[int, Field(ge=1, le=100), QueryInteger] = 20

    def cache_key(self) -> str:
        """The same key for every spelling of the same query; repr() quotes the free text unambiguously."""
        return f"{self.category!r}|{self.q!r}|{self.sort}|{self.page}|{self.per_page}"


class OrderQuery(QueryModel):
    email: Email


class CartItemCreate(RequestModel):
    product_id: ProductId
    quantity: Quantity


class CartItemUpdate(RequestModel):
    quantity: Quantity


class Address(RequestModel):
    line1: Text
    city: Annotated[str, Field(min_length=1, max_length=100, pattern=_PRINTABLE)]
    postal_code: Annotated[str, Field(min_length=1, max_length=20, pattern=_PRINTABLE)]
    country: Annotated[str, Field(min_length=2, max_length=60, pattern=_PRINTABLE)]


class CheckoutRequest(RequestModel):
    email: Email
    name: Text
    address: Address


IdempotencyKey = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[\x21-\x7e]+$")]


class CheckoutHeaders(QueryModel):
    idempotency_key: IdempotencyKey = Field(alias="Idempotency-Key")


# ---- responses


class CategoryRef(BaseModel):
    slug: str
    name: str


class Category(CategoryRef):
    product_count: int


class CategoryList(BaseModel):
    items: list[Category]


class Product(BaseModel):
    id: int
    sku: str
    slug: str
    name: str
    description: str
    price_cents: int
    currency: Literal["USD"]
    stock: int
    image: str = Field(description="Path of the image under the frontend's static root")
    category: CategoryRef


class ProductPage(BaseModel):
    items: list[Product]
    page: int
    per_page: int
    total: int


class CartLine(BaseModel):
    product_id: int
    name: str
    slug: str
    image: str
    unit_price_cents: int
    quantity: int
    line_total_cents: int


class Cart(BaseModel):
    id: uuid.UUID
    items: list[CartLine]
    item_count: int
    subtotal_cents: int
    currency: Literal["USD"]


class OrderLine(BaseModel):
    product_id: int
    name: str
    unit_price_cents: int
    quantity: int
    line_total_cents: int


class Order(BaseModel):
    id: uuid.UUID
    email: str
    name: str
    status: Literal["confirmed"]
    items: list[OrderLine]
    total_cents: int
    currency: Literal["USD"]
    created_at: dt.datetime


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    postgres: Literal["ok", "unavailable"]
    redis: Literal["ok", "unavailable", "disabled"]


class ErrorBody(BaseModel):
    code: str
    message: str
    details: object = None


class Error(BaseModel):
    error: ErrorBody


# ---- parsing


def _invalid(error: ValidationError, where: str) -> InvalidInput:
    details = error.errors(include_url=False, include_context=False, include_input=False)
    first = details[0]
    location = ".".join(str(part) for part in first["loc"]) or where
    return InvalidInput(f"Invalid {where}: {location}: {first['msg']}", details=details)


def parse_body(model: type[Model], raw: bytes) -> Model:
    """Validate a JSON request body; malformed JSON and wrong shapes both become a 400 that says why."""
    try:
        return model.model_validate_json(raw)
    except ValidationError as error:
        raise _invalid(error, "request body") from None


def parse_mapping(model: type[Model], values: Mapping[str, str], where: str = "query parameters") -> Model:
    """Validate query parameters (or headers): strings that pydantic converts, e.g. "2" to the int 2."""
    try:
        return model.model_validate(dict(values))
    except ValidationError as error:
        raise _invalid(error, where) from None
