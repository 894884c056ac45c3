"""The lock file, environment.yml and the notebooks stay in the shape CI and users rely on."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

import elevhalsa_analysis
from devtools import environment_yml, lock_pins
from elevhalsa_analysis.config import NOTEBOOKS_DIR, PROJ_ROOT


def test_environment_yml_matches_the_lock():
    pins = lock_pins(PROJ_ROOT / "requirements.lock")
    assert len(pins) > 50 and all("==" in p for p in pins)
    env = yaml.safe_load((PROJ_ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert sorted(p for p in pip if p != "-e .") == sorted(pins)
    assert "python=3.11" in env["dependencies"]
    assert (PROJ_ROOT / "environment.yml").read_text(encoding="utf-8") == environment_yml(pins)


def test_every_direct_dependency_is_pinned():
    import tomllib

    project = tomllib.loads((PROJ_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    pinned = {p.split("==")[0].lower().replace("_", "-") for p in lock_pins(PROJ_ROOT / "requirements.lock")}
    for dep in wanted:
        name = dep.split(">")[0].split("=")[0].split("<")[0].strip().lower().replace("_", "-")
        assert name in pinned, dep


def test_notebooks_are_committed_without_outputs():
    notebooks = sorted(Path(NOTEBOOKS_DIR).glob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, path.name
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None, path.name


def test_package_version_is_known():
    assert elevhalsa_analysis.__version__ != "0.0.0"
