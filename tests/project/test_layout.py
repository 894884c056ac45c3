"""The package's shape stays readable: modules of a readable length, markup only in the
rendering layer, every module named in the README's module map and tested in a file of its own."""

from __future__ import annotations

import re
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
PACKAGE = PROJECT / "src" / "elevhalsa_analysis"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py")
MAX_LINES = 400
# A tag as a page would hold it; Python that compares with < and > does not look like this.
TAG = re.compile(
    r"</?(?:a|p|div|span|table|tr|td|th|caption|ul|ol|li|h[1-6]|section|figure|img|strong|em|details|summary|small|br|code)(?: [^>]*)?/?>"
)
# Modules whose behaviour is tested where it shows, not in a file named for them.
TESTED_ELSEWHERE = {
    "codebook.py": "every loading test reads a codebook",
    "errors.py": "every bad-input test checks the message",
    "freshness.py": "running/test_batch (what a rerun skips)",
    "committee_docx.py": "committee/test_committee reads the documents back",
    "committee_files.py": "committee/test_committee",
    "committee_pptx.py": "committee/test_committee reads the documents back",
    "survey.py": "computing/test_estimates and each survey's tests",
    "survey_sections.py": "each survey's test_report",
    "processed.py": "running/test_pipeline and the report tests",
    "quality.py": "check_notes.py and every loading test",
    "suites.py": "every loading test (the checks a codebook generates)",
    "schema.py": "the tests of kommun.yaml, period.yaml and verksamhetsplan.yaml",
    "tables.py": "the export-variant tests in each instrument's test_loading",
    "exports.py": "instruments/rektorsenkat/test_loading",
    "population.py": "instruments/rektorsenkat/test_loading",
    "instruments/rektorsenkat/answers.py": "its test_report",
    "instruments/rektorsenkat/units.py": "rendering/test_sections_units (the unit profiles)",
    "instruments/elevenkat/questions.py": "its test_report",
    "instruments/elevenkat/comparison.py": "its test_report",
    "instruments/elevenkat/units.py": "rendering/test_sections_units (the unit profiles)",
    "instruments/vardnadshavarenkat/questions.py": "its test_report",
    "instruments/vardnadshavarenkat/units.py": "its test_report (the unit pages)",
    "instruments/verksamhetsplan/contract.py": "its test_loading",
    "instruments/verksamhetsplan/contract_checks.py": "its test_loading",
    "instruments/verksamhetsplan/registers.py": "its test_loading",
    "instruments/verksamhetsplan/plan.py": "its test_loading",
    "instruments/verksamhetsplan/period.py": "its test_loading",
    "instruments/verksamhetsplan/units.py": "its test_report (the unit pages)",
    "instruments/verksamhetsplan/scorecard.py": "its test_report",
    "instruments/verksamhetsplan/register_sections.py": "its test_report",
    "instruments/verksamhetsplan/kolada_section.py": "its test_report",
}


def own_tests(module: Path) -> Path | None:
    """`tests/<area>/test_<module>.py` for a shared module, `tests/instruments/<name>/...` for an instrument's."""
    relative = module.relative_to(PACKAGE)
    if relative.parts[0] == "instruments":
        found = PROJECT / "tests" / relative.parent / f"test_{module.stem}.py"
        return found if found.is_file() else None
    return next((PROJECT / "tests").glob(f"*/test_{module.stem}.py"), None)


def test_no_module_is_longer_than_a_reader_can_hold():
    long = {str(p.relative_to(PACKAGE)): n for p in MODULES if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, long


def test_markup_lives_in_templates_not_in_python():
    found = [
        f"{p.relative_to(PACKAGE)}:{i}"
        for p in MODULES
        if p.name != "markup.py"
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if TAG.search(line)
    ]
    assert not found, found


def test_the_readme_names_every_module():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Utveckling") :]
    assert not [p.stem for p in MODULES if f"`{p.stem}`" not in section]


def test_every_module_has_its_tests():
    missing = [str(p.relative_to(PACKAGE)) for p in MODULES if own_tests(p) is None]
    assert sorted(missing) == sorted(TESTED_ELSEWHERE), "a module without a test file of its own, or a stale entry"
