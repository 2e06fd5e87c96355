"""The storefront API: catalog, cart, checkout and orders over PostgreSQL, with Redis as a read cache."""
