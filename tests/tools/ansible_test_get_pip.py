"""Offline stand-in for the get-pip.py that ansible-test downloads from ci-files.testing.ansible.com.

ansible-test creates a virtualenv without pip for each sanity test and bootstraps pip in it by
running ``~/.ansible/test/cache/get_pip_<version>.py``, which it fetches from a host that this
project cannot reach (only the package registries are). mk/plugins.mk copies this file to that
cache path and puts the matching pip wheel, downloaded from PyPI with pip, next to it.

Like the real get-pip.py, it runs pip from a temporary copy of the pip package (without its
dist-info, so pip does not see itself as installed) and asks it to install the requested pip.
"""

import argparse
import sys
import tempfile
import zipfile
from pathlib import Path


def find_pip_wheel():
    wheels = sorted(Path(__file__).resolve().parent.glob("pip-*-py3-none-any.whl"))
    if not wheels:
        raise SystemExit(f"no pip wheel next to {__file__}; run `make sanity` to fetch it")
    return wheels[-1]


def main():
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--no-setuptools", action="store_true")
    parser.add_argument("--no-wheel", action="store_true")
    options, pip_arguments = parser.parse_known_args()
    extra_packages = [
        package
        for package, skipped in (("setuptools", options.no_setuptools), ("wheel", options.no_wheel))
        if not skipped
    ]
    with (
        tempfile.TemporaryDirectory(prefix="get-pip-") as pip_home,
        zipfile.ZipFile(find_pip_wheel()) as wheel,
    ):
        wheel.extractall(pip_home, members=[name for name in wheel.namelist() if name.startswith("pip/")])
        sys.path.insert(0, pip_home)
        from pip._internal.cli.main import main as pip_main  # importable only from here on

        return pip_main(["install", "--upgrade", "--force-reinstall", *pip_arguments, *extra_packages])


if __name__ == "__main__":
    sys.exit(main())
