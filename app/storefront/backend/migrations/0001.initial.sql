-- The catalog, anonymous carts and orders. Money is integer cents; stock can never go negative.

CREATE TABLE categories (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug        text NOT NULL UNIQUE,
    name        text NOT NULL
);

CREATE TABLE products (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku         text NOT NULL UNIQUE,
    slug        text NOT NULL UNIQUE,
    name        text NOT NULL,
    description text NOT NULL DEFAULT '',
    price_cents integer NOT NULL CHECK (price_cents >= 0),
    currency    char(3) NOT NULL DEFAULT 'USD',
    stock       integer NOT NULL CHECK (stock >= 0),
    category_id integer NOT NULL REFERENCES categories (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX products_category_id_idx ON products (category_id);
CREATE INDEX products_created_at_idx ON products (created_at DESC, id DESC);

CREATE TABLE carts (
    id          uuid PRIMARY KEY,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cart_items (
    cart_id     uuid NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    product_id  integer NOT NULL REFERENCES products (id),
    quantity    integer NOT NULL CHECK (quantity > 0),
    added_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cart_id, product_id)
);

CREATE TABLE orders (
    id              uuid PRIMARY KEY,
    -- The idempotency key is scoped to the cart it checked out: one client cannot replay another's key.
    cart_id         uuid NOT NULL,
    idempotency_key text NOT NULL,
    -- Digest of the checkout body: a key replayed with a different body is refused, not silently reused.
    request_digest  text NOT NULL,
    email           text NOT NULL,
    name            text NOT NULL,
    address         jsonb NOT NULL,
    status          text NOT NULL DEFAULT 'confirmed',
    total_cents     integer NOT NULL CHECK (total_cents >= 0),
    currency        char(3) NOT NULL DEFAULT 'USD',
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (cart_id, idempotency_key)
);

CREATE TABLE order_items (
    order_id         uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id       integer NOT NULL REFERENCES products (id),
    name             text NOT NULL,
    unit_price_cents integer NOT NULL CHECK (unit_price_cents >= 0),
    quantity         integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_id, product_id)
);
