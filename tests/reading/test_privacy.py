"""Personal data in free text and the audit before anything is written.

One period folder holds the principal survey and the operations plan, with a colleague's
name that no register lists in a principal's comment and in an insats comment, and a
name from `namnlista.txt`. It is run once (module fixture); the failing runs that follow
must leave every output of that run, the cache included, byte for byte as it was.
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

import pytest

from contract_files import answers_2024, export_rows, principals, write_register, write_xlsx
from elevhalsa_analysis import bugs, sections_units
from elevhalsa_analysis.cli import main
from elevhalsa_analysis.errors import DataError
from elevhalsa_analysis.privacy import Redactor, audit
from plan_files import INSATS_IDS, STATUSES, write_data

PERIOD = "2024"
COLLEAGUE = "Sven Planterad"  # in no register and no name list
LISTED = "Greta Namnlistad"  # only in namnlista.txt
PRINCIPAL_COMMENTS = {
    0: f"Kuratorn {COLLEAGUE} är sjukskriven, ring 070-123 45 67.",
    1: "Vi saknar Namnlistad på mötena.",
    2: f"Hälsa till {LISTED} från oss.",
}
INSATS_COMMENT = f"Klart. {COLLEAGUE} på Norrskolan och Centrala elevhälsan ansvarar."


def build(root: Path) -> Path:
    """The plan's period (plan_files' data) with the principal survey beside it."""
    data = write_data(root)
    folder = data / "raw" / PERIOD
    rows = [
        [iid, st, "Centrala elevhälsan", INSATS_COMMENT if i == 0 else ""]
        for i, (iid, st) in enumerate(zip(INSATS_IDS, STATUSES))
    ]
    write_xlsx(folder / "insatser.xlsx", ["insats", "status", "ansvarig", "kommentar"], rows)
    people = principals()
    answers = answers_2024()
    for i, text in PRINCIPAL_COMMENTS.items():
        answers[i]["kommentarer"] = text
    write_register(folder, people)
    write_xlsx(folder / "rektorsenkat.xlsx", *export_rows(people, answers))
    (folder / "namnlista.txt").write_text(f"# Namn som aldrig får visas\n{LISTED}\n", encoding="utf-8")
    return data


def outputs(data: Path, reports: Path) -> dict[str, bytes]:
    """Every file a run writes (bug reports aside), the cache under data/processed/.cache included."""
    found = {}
    for root in (reports, data / "processed"):
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.name.startswith("felrapport-"):
                found[path.relative_to(root.parent).as_posix()] = path.read_bytes()
    return found


def readable(blob: bytes) -> str:
    """A file's text as a person would search it: markup gone, entities decoded."""
    text = blob.decode("utf-8", "replace")
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


# The runs below go through the CLI and notebooks (e2e): left out of `make test-fast`.
@pytest.fixture(scope="module")
def good_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("privacy")
    data, reports = build(root), root / "reports"
    argv = ["run", "--period", PERIOD, "--data-dir", str(data), "--reports-dir", str(reports), "--run-date", "2025-01-15"]
    assert main(argv) == 0
    return data, reports, argv, outputs(data, reports)


# --- redaction -------------------------------------------------------------------------------------


def test_a_name_shape_goes_and_the_periods_unit_names_stay():
    redact = Redactor(names=("Anna Berg",), known=("Björkskolan Norra", "Centrala Elevhälsan"))
    assert redact("Kuratorn Sven Planterad är sjukskriven") == "Kuratorn [namn] är sjukskriven"
    assert redact("Vi Har det bra. Sven Planterad slutar.") == "Vi Har det bra. [namn] slutar."
    assert (
        redact("Björkskolan Norra och Centrala elevhälsan samarbetar med BUP")
        == "Björkskolan Norra och Centrala elevhälsan samarbetar med BUP"
    )
    assert (
        redact("Berg ringde 070-123 45 67, a.b@skola.example, 19900101-1234")
        == "[namn] ringde [telefonnummer], [e-post], [personnummer]"
    )
    assert redact("Rektor Karl-Erik Öhman") == "Rektor [namn]"
    assert redact("Maj Andersson och Per Ek kom") == "[namn] och [namn] kom"  # first names that are also words


@pytest.mark.e2e
def test_every_free_text_field_is_redacted_in_every_output(good_run):
    data, reports, _, files = good_run
    assert any(p.startswith("processed/.cache/") for p in files)  # the cache is among what is compared later
    for where, blob in files.items():
        text = readable(blob)
        for secret in (COLLEAGUE, "Planterad", LISTED, "Namnlistad", "070-123 45 67"):
            assert secret not in text, (secret, where)
    principal = readable(files[f"reports/{PERIOD}/rektorsenkat_ledning.html"])
    assert "Kuratorn [namn] är sjukskriven, ring [telefonnummer]." in principal
    assert "Vi saknar [namn] på mötena." in principal  # namnlista.txt, read for the principal survey too
    plan = readable(files[f"reports/{PERIOD}/verksamhetsplan_ledning.html"])
    assert "Klart. [namn] på Norrskolan och Centrala elevhälsan ansvarar." in plan


# --- the audit ------------------------------------------------------------------------------------


@pytest.mark.e2e
def test_the_audit_stops_a_run_whose_redaction_failed_and_nothing_is_replaced(good_run, monkeypatch, capsys):
    data, reports, argv, before = good_run
    # A new name list (same names) gives the period a new cache key: it is read again, unredacted.
    names = data / "raw" / PERIOD / "namnlista.txt"
    names.write_text(names.read_text(encoding="utf-8") + "# ändrad\n", encoding="utf-8")
    monkeypatch.setattr(Redactor, "__call__", lambda self, text: text)
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert re.search(
        r"Granskningen före skrivningen hittade (ett namn ur registren eller namnlista.txt|ett telefonnummer) "
        r"i \S+/\S+\.(parquet|html|ipynb|json)",
        err,
    )
    assert "Greta" not in err and "Namnlistad" not in err and "Planterad" not in err and "123 45 67" not in err
    assert outputs(data, reports) == before


def test_the_audit_names_file_and_kind_never_the_value(tmp_path):
    (tmp_path / "a.html").write_text(
        '<p>Klart</p><img src="data:image/png;base64,' + "QUJD1990010112345" * 10 + '">'
        "<p>manifest 0123456789abcdef0123456789abcdef</p>",
        encoding="utf-8",
    )
    audit([tmp_path], ["Anna Berg"])  # an embedded image and a digest are no personal data
    (tmp_path / "b.html").write_text("<p>Ring Anna på 08-123 456 78</p>", encoding="utf-8")
    with pytest.raises(DataError) as found:
        audit([tmp_path], ["Anna Berg"])
    assert "ett telefonnummer i b.html" in str(found.value) and "123" not in str(found.value)
    (tmp_path / "b.html").unlink()
    (tmp_path / "c.json").write_text(json.dumps({"svar": ["hej", "anna  BERG var här"]}), encoding="utf-8")
    with pytest.raises(DataError, match="ett namn ur registren") as found:
        audit([tmp_path], ["Anna Berg"])
    assert "Anna" not in str(found.value) and "BERG" not in str(found.value)


# --- a bug during a run ----------------------------------------------------------------------------


@pytest.mark.e2e
def test_an_internal_error_is_a_bug_with_a_report_and_nothing_is_replaced(good_run, monkeypatch, capsys):
    data, reports, argv, before = good_run

    def broken(*args, **kwargs):
        raise KeyError(COLLEAGUE)  # as pandas would, quoting a value

    monkeypatch.setattr(sections_units, "write_unit_pages", broken)
    assert main(argv) == bugs.EXIT_CODE
    err = capsys.readouterr().err
    assert "Ett fel i programmet (inte i era data)" in err and "KeyError" in err and COLLEAGUE not in err
    report = Path(re.search(r"felrapporten (\S+felrapport-\S+\.txt)", err).group(1))
    assert report.parent == reports.resolve() and report.is_file()
    text = report.read_text(encoding="utf-8")
    assert "in broken" in text and "raise KeyError(COLLEAGUE)" in text
    assert f"Python: {sys.version.split()[0]}" in text and "pandas: " in text and f"period: {PERIOD}" in text
    assert COLLEAGUE not in text and "Planterad" not in text
    assert outputs(data, reports) == before


@pytest.mark.e2e
def test_the_validation_page_passes_the_audit_before_it_is_written(tmp_path, capsys):
    """The gate quotes unknown answers; an e-mail address typed into a closed question must
    stop `validate` like a run, without printing it and without writing the page."""
    people, answers = principals(), answers_2024()
    answers[3]["samsyn_eht"] = "kalle.anka@skola.example"
    data = tmp_path / "data"
    folder = data / "raw" / "2024-10"
    folder.mkdir(parents=True)
    (folder / "period.yaml").write_text("label: juni–oktober 2024\nstart: 2024-06-01\nend: 2024-10-31\n", encoding="utf-8")
    write_register(folder, people)
    write_xlsx(folder / "rektorsenkat.xlsx", *export_rows(people, answers))
    reports = tmp_path / "reports"
    assert main(["validate", "--period", "2024-10", "--data-dir", str(data), "--reports-dir", str(reports)]) == 1
    err = capsys.readouterr().err
    assert "Granskningen före skrivningen hittade en e-postadress" in err and "kalle.anka" not in err
    assert not (reports / "2024-10" / "validering.html").exists()
