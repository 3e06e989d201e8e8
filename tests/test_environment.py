"""The three dependency lists agree: pyproject.toml, constraints.txt and environment.yml."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject_deps() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return {_norm(re.split(r"[<>=!~ ;\[]", d)[0]) for d in data["project"]["dependencies"]}


def _constraints() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[_norm(name)] = version.strip()
    return pins


def _conda_deps() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = {}
    for item in env["dependencies"]:
        if isinstance(item, str):
            name, _, version = item.partition("=")
            if _norm(name) not in ("python", "pip"):
                deps[_norm(name)] = version
    return deps


def test_required_packages_are_declared():
    required = {"jupyterlab", "pandas", "matplotlib", "ipywidgets", "nbval"}
    assert required <= _pyproject_deps()


def test_environment_yml_lists_the_same_packages_as_pyproject():
    assert set(_conda_deps()) == _pyproject_deps()


def test_every_dependency_is_pinned_and_conda_uses_the_same_pins():
    pins = _constraints()
    conda = _conda_deps()
    for dep in _pyproject_deps():
        assert dep in pins, f"{dep} is not pinned in constraints.txt"
        assert conda[dep] == pins[dep], f"{dep}: environment.yml has {conda[dep]}, constraints.txt {pins[dep]}"


def test_python_floor_matches_the_makefile_check():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    floor = re.search(r">=\s*3\.(\d+)", data["project"]["requires-python"]).group(1)
    assert f"sys.version_info >= (3, {floor})" in (ROOT / "Makefile").read_text()


def test_optional_dependencies_are_pinned_alike_in_constraints_and_environment_yml():
    """Extras (e.g. `browser` for the real-browser suite) use the same pins everywhere."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    extras = {_norm(re.split(r"[<>=!~ ;\[]", d)[0])
              for group in data["project"].get("optional-dependencies", {}).values() for d in group}
    pins = _constraints()
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_pins = {}
    for item in env["dependencies"]:
        if isinstance(item, dict):
            for line in item.get("pip", []):
                if "==" in line:
                    name, version = line.split("==")
                    pip_pins[_norm(name)] = version.strip()
    for dep in extras:
        assert dep in pins, f"optional dependency {dep} is not pinned in constraints.txt"
        assert pip_pins.get(dep) == pins[dep], f"{dep}: environment.yml pip pin {pip_pins.get(dep)}, constraints.txt {pins[dep]}"
