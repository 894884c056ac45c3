"""The gate's checks of the plan's input files, generated from the contract's column types."""

from __future__ import annotations

from ... import quality as q
from ... import suites
from ...cells import AS_WRITTEN, ROW
from .contract import NORMALISED, ColumnSpec
from .registers import Loaded


def contract_check(
    loaded: Loaded,
    cid: str,
    title: str,
    expectation,
    column: ColumnSpec | None = None,
    severity=q.BLOCKING,
    table: str | None = None,
    show_values: bool = True,
    id_column: str = ROW,
    id_label: str = "rad",
    written: str | None = None,
) -> q.Check:
    if written is None and column is not None and column.type in NORMALISED:
        written = column.key + AS_WRITTEN
    return q.Check(
        f"{loaded.name}:{cid}",
        title,
        severity,
        table or loaded.name,
        expectation,
        loaded.file,
        column=column.header if column else None,
        id_column=id_column,
        id_label=id_label,
        show_values=show_values,
        written=written,
    )


def structure_checks(loaded: Loaded) -> list[q.Check]:
    columns = {c.key: c.header for c in loaded.spec.columns if c.type not in ("namn", "utelamnas") and not c.optional}
    return suites.structure_checks(loaded.file, loaded.name, columns, min_rows=0 if loaded.spec.empty_is_zero else 1)


def format_checks(loaded: Loaded) -> list[q.Check]:
    """The contract's per-column rules, generated from its column types."""
    g = q.gx().expectations
    checks = []
    for c in loaded.spec.columns:
        if c.type in ("namn", "utelamnas"):
            continue
        if c.type == "personnummer":
            # Rows are named, never the number itself.
            checks.append(
                contract_check(
                    loaded,
                    f"form:{c.key}",
                    "Personnummer saknas eller har fel form",
                    g.ExpectColumnValuesToBeInSet(column=f"{c.key}_giltigt", value_set=[True]),
                    c,
                    show_values=False,
                )
            )
            continue
        if c.required:
            checks.append(
                contract_check(
                    loaded,
                    f"saknas:{c.key}",
                    f"Värde saknas i kolumnen «{c.header}»",
                    g.ExpectColumnValuesToNotBeNull(column=c.key),
                    c,
                    show_values=False,
                )
            )
        rule = {
            "etikett": ("Okänt värde", g.ExpectColumnValuesToBeInSet(column=c.key, value_set=c.labels)),
            "arskurs": ("Okänd årskurs", g.ExpectColumnValuesToBeInSet(column=c.key, value_set=c.labels)),
            "kod": ("Skolenhetskod är inte åtta siffror", g.ExpectColumnValuesToMatchRegex(column=c.key, regex=r"^\d{8}$")),
            "tal": ("Värdet är inget tal", g.ExpectColumnValuesToMatchRegex(column=c.key, regex=r"^-?\d+(?:\.\d+)?$")),
            "datum": (
                "Datumet kan inte tolkas (skriv ÅÅÅÅ-MM-DD)",
                g.ExpectColumnValuesToMatchRegex(column=c.key, regex=r"^\d{4}-\d{2}-\d{2}$"),
            ),
            "termin": (
                "Terminen ska skrivas HT eller VT och ett år, till exempel HT 2023",
                g.ExpectColumnValuesToMatchRegex(column=c.key, regex=r"^(?:HT|VT) \d{4}$"),
            ),
        }.get(c.type)
        if rule:
            checks.append(contract_check(loaded, f"varde:{c.key}", f"{rule[0]} i kolumnen «{c.header}»", rule[1], c))
    return checks


def value_checks(loaded: Loaded) -> list[q.Check]:
    g = q.gx().expectations
    return [
        contract_check(
            loaded,
            f"min:{c.key}",
            f"Negativt värde i kolumnen «{c.header}»",
            g.ExpectColumnValuesToBeBetween(column=c.key, min_value=c.min),
            c,
        )
        for c in loaded.spec.columns
        if c.type == "tal" and c.min is not None
    ]


def extra_check(loaded: Loaded) -> q.Check:
    g = q.gx().expectations
    return contract_check(
        loaded,
        "extra",
        "Extra kolumner som inte används (lästes inte)",
        g.ExpectColumnValuesToBeInSet(column="kolumn", value_set=[]),
        severity=q.WARNING,
        table=f"extra:{loaded.name}",
        id_column="kolumn",
        id_label="kolumn",
    )
