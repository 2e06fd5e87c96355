"""Each role's meta/argument_specs.yml is the source of truth: README and defaults must agree with it."""

from pathlib import Path

import pytest
import yaml

ROLES = sorted(
    p.parent.parent for p in Path(__file__).resolve().parents[3].glob("roles/*/meta/argument_specs.yml")
)


def options(role):
    spec = yaml.safe_load((role / "meta" / "argument_specs.yml").read_text())
    return spec["argument_specs"]["main"]["options"]


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.name)
def test_every_input_is_described_in_the_readme(role):
    readme = (role / "README.md").read_text()
    missing = [name for name in options(role) if f"`{name}`" not in readme]
    assert not missing, f"{role.name}/README.md does not describe: {', '.join(missing)}"


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.name)
def test_defaults_match_the_argument_spec(role):
    defaults = yaml.safe_load((role / "defaults" / "main.yml").read_text()) or {}
    spec = options(role)
    undeclared = sorted(set(defaults) - set(spec))
    assert not undeclared, f"{role.name}: defaults not in meta/argument_specs.yml: {undeclared}"
    for name, option in spec.items():
        if option.get("required"):
            assert name not in defaults, f"{role.name}: required {name} must not have a default"
        if "default" in option and name in defaults:
            assert option["default"] == defaults[name], f"{role.name}: {name} default differs from the spec"


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.name)
def test_every_input_has_a_description_and_type(role):
    for name, option in options(role).items():
        assert option.get("description"), f"{role.name}: {name} has no description"
        assert option.get("type"), f"{role.name}: {name} has no type"
