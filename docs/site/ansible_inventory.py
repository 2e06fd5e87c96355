"""Write the Sphinx inventory of the Ansible docs that our pages link to, without the network.

Our module and role pages refer to other collections' plugins (community.aws.ecs_ecr, ...) and to a few
pages of the Ansible docs (common return values, configuration settings). Sphinx resolves such references
through an intersphinx inventory, normally downloaded from docs.ansible.com; CI builds offline, so this
script writes the entries those references need: every plugin of the collections we depend on (and
every module's top-level options), as installed from the pinned `ansible` package, with the anchors
docs.ansible.com uses for them.

Usage: python docs/site/ansible_inventory.py OUTPUT
"""

from __future__ import annotations

import ast
import importlib
import sys
import zlib
from pathlib import Path

import yaml

try:
    from yaml import CSafeLoader as Loader
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import SafeLoader as Loader

REPO = Path(__file__).resolve().parents[2]
# Pages of the Ansible docs that antsibull-docs' templates refer to.
CORE_LABELS = {
    "common_return_values": ("reference_appendices/common_return_values.html", "Return Values"),
    "ansible_configuration_settings": ("reference_appendices/config.html", "Ansible Configuration Settings"),
}
NOT_PLUGINS = {"module_utils", "doc_fragments", "plugin_utils", "action", "__pycache__"}


def option_names(source: Path) -> list[str]:
    """The top-level options of a module's DOCUMENTATION (their labels are what O(ns.coll.module#module:x)
    refers to)."""
    for node in ast.parse(source.read_text()).body:
        targets = getattr(node, "targets", [])
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "DOCUMENTATION" for t in targets):
            try:
                documentation = yaml.load(ast.literal_eval(node.value), Loader=Loader) or {}
            except (ValueError, yaml.YAMLError):
                return []
            return sorted(documentation.get("options") or {})
    return []


def plugin_labels(namespace: str, name: str) -> dict[str, tuple[str, str]]:
    package = importlib.import_module(f"ansible_collections.{namespace}.{name}")
    plugins = Path(next(iter(package.__path__))) / "plugins"
    labels = {}
    for kind_dir in sorted(
        path for path in plugins.iterdir() if path.is_dir() and path.name not in NOT_PLUGINS
    ):
        kind = "module" if kind_dir.name == "modules" else kind_dir.name
        for source in sorted(kind_dir.glob("[!_]*.py")):
            page = f"{source.stem}_{kind}"
            label = f"ansible_collections.{namespace}.{name}.{page}"
            anchor = label.replace(".", "-").replace("_", "-")
            page_uri = f"collections/{namespace}/{name}/{page}.html"
            if kind == "module":
                for option in option_names(source):
                    labels[f"{label}__parameter-{option}"] = (f"{page_uri}#parameter-{option}", option)
            labels[label] = (f"{page_uri}#{anchor}", f"{namespace}.{name}.{source.stem}")
    return labels


def main(output: Path) -> None:
    galaxy = yaml.safe_load((REPO / "galaxy.yml").read_text())
    labels = dict(CORE_LABELS)
    for dependency in galaxy["dependencies"]:
        labels |= plugin_labels(*dependency.split("."))
    lines = [f"{label} std:label -1 {uri} {title}\n" for label, (uri, title) in sorted(labels.items())]
    header = (
        "# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    output.write_bytes(header.encode() + zlib.compress("".join(lines).encode()))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
