"""`python -m storefront.backend serve|migrate|seed` — configuration comes from the environment."""

from __future__ import annotations

import argparse
import asyncio

from storefront.backend.app import create_app
from storefront.backend.config import BackendConfig
from storefront.backend.migrate import apply_migrations, create_database_if_missing
from storefront.backend.seed import seed_catalog
from storefront.common.logs import configure_logging
from storefront.common.runner import run


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m storefront.backend", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="serve the API on $HOST:$PORT until SIGTERM")
    migrate = commands.add_parser("migrate", help="apply pending schema migrations to $DATABASE_URL")
    migrate.add_argument(
        "--create-database",
        action="store_true",
        help="create the database if missing (local runs)",
    )
    commands.add_parser("seed", help="load the demo catalog into $DATABASE_URL (idempotent)")
    args = parser.parse_args(argv)

    config = BackendConfig.from_env()
    configure_logging("backend", config.log_level)
    if args.command == "serve":
        run(create_app(config), config.host, config.port, access_log=config.access_log)
    elif args.command == "migrate":
        if args.create_database:
            create_database_if_missing(config.database_url)
        apply_migrations(config.database_url)
    else:
        asyncio.run(seed_catalog(config.database_url))


if __name__ == "__main__":
    main()
