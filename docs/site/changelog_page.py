"""Write the docs site's changelog page: the released versions, plus what the fragments hold for the
version in galaxy.yml if it is not released yet (marked as unreleased).

antsibull-changelog renders only released versions, so the unreleased part is rendered from a scratch
copy of changelogs/ in which that version is released; the repository's changelogs/ is not touched.

Usage: python docs/site/changelog_page.py OUTPUT.rst
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def main(output: Path) -> None:
    version = yaml.safe_load((REPO / "galaxy.yml").read_text())["version"]
    released = yaml.safe_load((REPO / "changelogs" / "changelog.yaml").read_text()).get("releases") or {}
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        shutil.copytree(REPO / "changelogs", work / "changelogs")
        shutil.copy2(REPO / "galaxy.yml", work / "galaxy.yml")
        for part in ("plugins", "roles", "meta"):
            (work / part).symlink_to(REPO / part)
        command = [str(BIN / "antsibull-changelog")]
        if version not in released:
            subprocess.run(
                [*command, "release", "--version", version], cwd=work, check=True, capture_output=True
            )
        subprocess.run([*command, "generate"], cwd=work, check=True, capture_output=True)
        text = (work / "CHANGELOG.rst").read_text()
    if version not in released:
        text = text.replace(
            f"v{version}\n{'=' * (len(version) + 1)}", f"v{version} (unreleased)\n{'=' * (len(version) + 14)}"
        )
    label = ".. _ansible_collections.ecommerce_demo.platform.docsite.changelog:\n\n"
    output.write_text(label + text.replace(".. contents:: Topics\n", ""))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
