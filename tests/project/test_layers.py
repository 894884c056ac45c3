"""The import contracts of `make lint` hold, and fail when a module breaks them."""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(src: Path) -> subprocess.CompletedProcess:
    # PYTHONPATH comes before the editable install's path entry, so the copy is analysed.
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [str(LINT_IMPORTS), str(PROJECT / "pyproject.toml"), "--no-cache"],
        capture_output=True,
        text=True,
        env=env,
        cwd=src,
        check=False,
    )


def test_the_package_keeps_its_import_contracts():
    done = lint_imports(PROJECT / "src")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "BROKEN" not in done.stdout


def test_a_foundation_module_importing_an_instrument_breaks_the_lint(tmp_path):
    shutil.copytree(PROJECT / "src" / "elevhalsa_analysis", tmp_path / "elevhalsa_analysis")
    formatting = tmp_path / "elevhalsa_analysis" / "formatting.py"
    formatting.write_text(
        formatting.read_text(encoding="utf-8") + "\n\ndef _late():\n    from . import pipeline  # noqa: F401\n", encoding="utf-8"
    )
    done = lint_imports(tmp_path)
    assert done.returncode != 0
    assert "The foundation knows no instrument and no runner BROKEN" in done.stdout
    assert "elevhalsa_analysis.formatting -> elevhalsa_analysis.pipeline" in done.stdout


def test_every_import_in_the_package_names_a_module_that_exists():
    """Also the imports inside functions, which run only when a report needs them."""
    src = PROJECT / "src"
    missing = []
    for path in sorted((src / "elevhalsa_analysis").rglob("*.py")):
        package = ".".join(path.relative_to(src).parent.parts)  # what "." means in this file
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or not node.level:
                continue
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            target = f"{base}.{node.module}" if node.module else base
            if importlib.util.find_spec(target) is None:
                missing.append(f"{path.name}:{node.lineno} {target}")
                continue
            module = importlib.import_module(target)
            missing += [
                f"{path.name}:{node.lineno} {target}.{a.name}"
                for a in node.names
                if not hasattr(module, a.name) and importlib.util.find_spec(f"{target}.{a.name}") is None
            ]
    assert not missing, missing


def test_a_new_instrument_importing_another_breaks_the_lint_without_editing_the_contracts(tmp_path):
    shutil.copytree(PROJECT / "src" / "elevhalsa_analysis", tmp_path / "elevhalsa_analysis")
    new = tmp_path / "elevhalsa_analysis" / "instruments" / "nytt"
    new.mkdir()
    (new / "__init__.py").write_text("from ..elevenkat import report  # noqa: F401\n", encoding="utf-8")
    done = lint_imports(tmp_path)
    assert done.returncode != 0
    assert "Instruments are independent BROKEN" in done.stdout
    assert "instruments.nytt -> elevhalsa_analysis.instruments.elevenkat.report" in " ".join(done.stdout.split())


def import_cycles(src: Path) -> list[list[str]]:
    """The cycles among the package's modules, counting imports made inside functions (grimp
    reads every import statement); imports only for annotations (`if TYPE_CHECKING:`) never
    run and are left out."""
    code = (
        "import graphlib, grimp, json\n"
        "g = grimp.build_graph('elevhalsa_analysis', exclude_type_checking_imports=True, cache_dir=None)\n"
        "deps = {m: g.find_modules_directly_imported_by(m) for m in g.modules}\n"
        "try:\n    list(graphlib.TopologicalSorter(deps).static_order()); print('[]')\n"
        "except graphlib.CycleError as e:\n    print(json.dumps([e.args[1]]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(src)}, check=True
    )
    return json.loads(done.stdout)


def test_the_package_has_no_import_cycle():
    assert import_cycles(PROJECT / "src") == []


def test_an_import_inside_a_function_that_closes_a_cycle_is_found(tmp_path):
    shutil.copytree(PROJECT / "src" / "elevhalsa_analysis", tmp_path / "elevhalsa_analysis")
    config = tmp_path / "elevhalsa_analysis" / "config.py"
    config.write_text(
        config.read_text(encoding="utf-8") + "\n\ndef _late():\n    from . import markup  # noqa: F401\n", encoding="utf-8"
    )
    cycles = import_cycles(tmp_path)
    assert cycles and "elevhalsa_analysis.config" in cycles[0]
