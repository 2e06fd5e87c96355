"""``python -m storefront.frontend serve``: run the frontend with configuration from the environment."""

from __future__ import annotations

import argparse

from storefront.common.logs import configure_logging
from storefront.common.runner import run

from .app import create_app
from .config import FrontendConfig


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m storefront.frontend", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "serve",
        help="serve pages and proxy /api (HOST, PORT, BACKEND_URL, BACKEND_*_TIMEOUT, LOG_LEVEL, ACCESS_LOG)",
    )
    parser.parse_args(argv)
    config = FrontendConfig.from_env()
    configure_logging("frontend", config.log_level)
    run(create_app(config), config.host, config.port, access_log=config.access_log)


if __name__ == "__main__":
    main()
