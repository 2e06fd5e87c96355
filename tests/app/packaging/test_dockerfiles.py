"""The storefront images: app/backend/Dockerfile and app/frontend/Dockerfile.

No container engine runs here, so the Dockerfiles are checked statically: parsed with the `dockerfile`
package (BuildKit's own parser), linted with hadolint, and every assumption they make about the build
context (app/) is checked against the tree: the files they COPY exist and pass .dockerignore, the app
wheel carries its templates, static files and migrations, and every dependency is pinned for the
builder's `pip wheel`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import dockerfile
import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO_ROOT = Path(__file__).resolve().parents[3]
APP = REPO_ROOT / "app"  # the build context
COMPONENTS = ("backend", "frontend")
PORTS = {"backend": 8081, "frontend": 8080}
COMPILERS = re.compile(r"\b(build-essential|gcc|g\+\+|clang|make|cc|libc6-dev|python3-dev|libpq-dev)\b")
OCI_LABELS = ("title", "description", "source", "licenses", "version", "revision")


@dataclass
class Stage:
    name: str
    base: str
    commands: list[dockerfile.Command] = field(default_factory=list)

    def of(self, instruction: str) -> list[dockerfile.Command]:
        return [command for command in self.commands if command.cmd == instruction]


def stages_of(path: Path) -> tuple[dict[str, str], list[Stage]]:
    """Global ARG defaults and the stages, with ${ARG} in FROM resolved."""
    arguments: dict[str, str] = {}
    stages: list[Stage] = []
    for command in dockerfile.parse_file(str(path)):
        if command.cmd == "FROM":
            base = re.sub(r"\$\{(\w+)\}", lambda match: arguments[match.group(1)], command.value[0])
            name = command.value[2] if len(command.value) == 3 and command.value[1].upper() == "AS" else ""
            stages.append(Stage(name, base))
        elif not stages and command.cmd == "ARG":
            key, _, default = command.value[0].partition("=")
            arguments[key] = default
        else:
            stages[-1].commands.append(command)
    return arguments, stages


def flag(command: dockerfile.Command, name: str) -> str | None:
    for item in command.flags:
        key, _, value = item.partition("=")
        if key == f"--{name}":
            return value
    return None


@pytest.fixture(params=COMPONENTS)
def component(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def stages(component: str) -> list[Stage]:
    return stages_of(APP / component / "Dockerfile")[1]


def test_two_stages_on_the_same_slim_python(stages: list[Stage]) -> None:
    assert [stage.name for stage in stages] == ["builder", "runtime"]
    assert stages[0].base == stages[1].base
    assert re.fullmatch(r"python:3\.11-slim(-\w+)?", stages[1].base)


def test_builder_makes_wheels_of_the_pins_and_the_app(stages: list[Stage]) -> None:
    runs = " ".join(" ".join(command.value) for command in stages[0].of("RUN"))
    assert COMPILERS.search(runs), "the builder is where compilers belong"
    assert "pip wheel --wheel-dir /wheels --requirement requirements.txt" in runs
    assert "pip wheel --no-deps --wheel-dir /wheels ." in runs


def test_final_stage_installs_only_the_builders_wheels(stages: list[Stage]) -> None:
    runtime = stages[1]
    assert runtime.of("COPY") == []
    assert runtime.of("ADD") == []
    (install,) = runtime.of("RUN")
    assert "--mount=type=bind,from=builder,source=/wheels,target=/wheels" in install.flags
    script = " ".join(install.value)
    assert "pip install --no-index --find-links=/wheels /wheels/*.whl" in script
    assert "apt-get" not in script
    assert not COMPILERS.search(script), script


def test_runs_as_a_numeric_non_root_user(stages: list[Stage]) -> None:
    users = [command.value[0] for stage in stages for command in stage.of("USER")]
    assert len(users) == 1, "one USER"
    assert stages[1].of("USER"), "in the final stage"
    user, _, group = users[0].partition(":")
    assert re.fullmatch(r"[1-9][0-9]*", user), "numeric and not root"
    assert re.fullmatch(r"[1-9][0-9]*", group), "numeric and not root"
    chart_values = yaml.safe_load((APP / "chart" / "values.yaml").read_text())
    assert (int(user), int(group)) == (chart_values["runAsUser"], chart_values["runAsGroup"])


def test_entrypoint_serves_the_component_on_its_port(component: str, stages: list[Stage]) -> None:
    runtime = stages[1]
    (entrypoint,) = runtime.of("ENTRYPOINT")
    (command,) = runtime.of("CMD")
    # exec form: python is PID 1 and receives SIGTERM
    assert entrypoint.json
    assert command.json
    assert list(entrypoint.value) == ["python", "-m", f"storefront.{component}"]
    assert list(command.value) == ["serve"]
    assert (APP / "storefront" / component / "__main__.py").is_file()
    (expose,) = runtime.of("EXPOSE")
    assert list(expose.value) == [str(PORTS[component])]
    environment = " ".join(" ".join(env.value) for env in runtime.of("ENV"))
    assert f"PORT {PORTS[component]}" in environment or f"PORT={PORTS[component]}" in environment
    assert "PYTHONDONTWRITEBYTECODE" in environment  # the root filesystem is read-only in the pods
    chart_values = yaml.safe_load((APP / "chart" / "values.yaml").read_text())
    assert chart_values[component]["containerPort"] == PORTS[component]


def test_no_healthcheck_and_oci_labels(component: str, stages: list[Stage]) -> None:
    assert all(stage.of("HEALTHCHECK") == [] for stage in stages)  # Kubernetes probes do this
    labels = " ".join(" ".join(label.value) for label in stages[1].of("LABEL"))
    for key in OCI_LABELS:
        assert f"org.opencontainers.image.{key}" in labels
    assert f"storefront-{component}" in labels


def test_version_label_defaults_to_the_package_version(component: str) -> None:
    project = tomllib.loads((APP / "pyproject.toml").read_text())["project"]
    (_, runtime) = stages_of(APP / component / "Dockerfile")[1]
    versions = [arg.value[0] for arg in runtime.of("ARG") if arg.value[0].startswith("VERSION=")]
    assert versions == [f"VERSION={project['version']}"]


def copy_sources(stages: list[Stage]) -> list[str]:
    return [
        source
        for stage in stages
        for command in stage.of("COPY")
        if flag(command, "from") is None
        for source in command.value[:-1]
    ]


def test_copy_sources_exist_in_the_build_context(stages: list[Stage]) -> None:
    sources = copy_sources(stages)
    assert sources, "the builder copies the app in"
    for source in sources:
        assert (APP / source).exists(), f"COPY {source}: no such path under app/"


def test_dockerignore_lets_every_copy_source_through(stages: list[Stage]) -> None:
    patterns = [
        line.strip()
        for line in (APP / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert patterns[0] == "*", "ignore everything, then let through what the Dockerfiles copy"
    allowed = {pattern[1:].rstrip("/") for pattern in patterns if pattern.startswith("!")}
    for source in copy_sources(stages):
        assert source.rstrip("/") in allowed, source


def test_hadolint_is_clean(component: str) -> None:
    hadolint = Path(sys.executable).parent / "hadolint"
    result = subprocess.run(
        [str(hadolint), "--no-color", str(APP / component / "Dockerfile")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_package_dependency_is_pinned_for_the_builder() -> None:
    """The final stage installs with --no-index: a dependency missing from requirements.txt fails there."""
    project = tomllib.loads((APP / "pyproject.toml").read_text())["project"]
    pins = {}
    for line in (APP / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            requirement = Requirement(line)
            pins[canonicalize_name(requirement.name)] = requirement
    assert all(str(pin.specifier).startswith("==") for pin in pins.values()), pins
    for dependency in map(Requirement, project["dependencies"]):
        pinned = pins.get(canonicalize_name(dependency.name))
        assert pinned is not None, f"{dependency.name} is not pinned in app/requirements.txt"
        assert dependency.extras <= pinned.extras, dependency.name


def test_app_wheel_carries_every_data_file(tmp_path: Path) -> None:
    """Every module, template, static file and migration must be in the wheel: the image has nothing else.

    setuptools' build_py assembles exactly the files a pure-Python wheel holds; it runs offline with the
    setuptools in .venv, where `pip wheel` would need the wheel package or a download.
    """
    source = tmp_path / "app"
    shutil.copytree(APP, source, ignore=shutil.ignore_patterns("chart", "__pycache__", "*.egg-info", "build"))
    build_lib = tmp_path / "lib"
    result = subprocess.run(
        [sys.executable, "-c", "from setuptools import setup; setup()", "--quiet", "build_py",
         "--build-lib", str(build_lib)],
        cwd=source,
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    packaged = {path.relative_to(build_lib).as_posix() for path in build_lib.rglob("*") if path.is_file()}
    shipped = {
        path.relative_to(APP).as_posix()
        for path in (APP / "storefront").rglob("*")
        if path.is_file() and path.suffix not in {".pyc", ".md"} and "__pycache__" not in path.parts
    }
    assert any(not name.endswith(".py") for name in shipped), "templates, static files and migrations"
    assert sorted(shipped - packaged) == []
