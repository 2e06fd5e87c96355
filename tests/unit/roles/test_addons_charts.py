"""The sandbox's stand-in charts match the add-on charts the addons role pins, and say what they are."""

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
PINS = yaml.safe_load((ROOT / "roles/addons/defaults/main.yml").read_text())["addons_charts"]
LOCAL = yaml.safe_load((ROOT / "inventories/local/group_vars/all/platform.yml").read_text())
CATALOG = yaml.safe_load((ROOT / "roles/addons/vars/main.yml").read_text())["addons__catalog"]


def chart_yaml(name):
    return yaml.safe_load((ROOT / "sandbox/charts" / name / "Chart.yaml").read_text())


@pytest.mark.parametrize("key", sorted(PINS))
def test_stand_in_has_the_pinned_name_and_version(key):
    pin = PINS[key]
    chart = chart_yaml(pin["chart"])
    assert (chart["name"], chart["version"]) == (pin["chart"], pin["version"])
    assert "stand-in for the sandbox" in chart["description"]
    assert pin["repo_url"].startswith("https://")


@pytest.mark.parametrize("key", sorted(PINS))
def test_the_sandbox_inventory_installs_the_stand_in(key):
    source = LOCAL["addons_chart_sources"][key]
    assert source.endswith(f"/sandbox/charts/{PINS[key]['chart']}")


def rendered_crds(name):
    chart = ROOT / "sandbox/charts" / name
    files = [*chart.glob("crds/*.yaml"), *chart.glob("templates/crds/*.yaml")]
    names = []
    for path in files:
        # Template gates ({{- if ... }}) are lines of their own: drop them to read the CRD itself.
        text = "\n".join(line for line in path.read_text().splitlines() if not line.lstrip().startswith("{{"))
        names += [doc["metadata"]["name"] for doc in yaml.safe_load_all(text) if doc]
    return sorted(names)


@pytest.mark.parametrize("key", sorted(PINS))
def test_the_role_waits_for_and_deletes_exactly_the_charts_crds(key):
    assert rendered_crds(PINS[key]["chart"]) == sorted(CATALOG[key]["crds"])
