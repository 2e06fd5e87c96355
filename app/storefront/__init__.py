"""The storefront: an aiohttp frontend (`storefront.frontend`) and API backend (`storefront.backend`).

`storefront.common` holds what both services share: configuration from the environment, JSON logs with
a request id, Prometheus metrics, the JSON error format and the process runner.
"""
