"""The operations-plan follow-up (verksamhetsplan): see ../shared/data-contract-verksamhetsplan.md.

A period folder holds the plan (`verksamhetsplan.yaml`, validated strictly) and, each
optional, the status of its insatser, enrolment, absence, reports of offensive treatment
and saved Kolada answers. The loaders and most of the quality gate are generated from
`contract.yaml` in this folder, the contract's columns as data. Children's personnummer
become a salted pseudonym and their names and the reports' descriptions are dropped in
the loader, so nothing downstream can leak what it never received.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ... import quality as q
from ...cells import ROW
from ...codebook import normalize_label
from ...config import raw_period_dir
from ...errors import DataError
from ...instrument import Instrument, Prepared, UnitContribution
from ...periods import PeriodMeta, list_periods
from ...privacy import load_salt
from ...processed import PERIODS
from ...registry import get
from ...tables import find_input, read_table
from . import measures
from .contract import CONTRACT_FILE, input_contract
from .period import load_plan_period
from .plan import PLAN_FILE, VALUE_COLUMNS, value_rows
from .registers import clean_text
from .units import carried_tables, register_tables


def previous_period(periods: list[tuple[str, PeriodMeta]], period: str, data_dir: Path) -> tuple[str, PeriodMeta] | None:
    """The latest follow-up that ends before this one starts (the contract's rule)."""
    meta = dict(periods)[period]
    earlier = [(p, m) for p, m in periods if m.end < meta.start and (raw_period_dir(data_dir, p) / PLAN_FILE).is_file()]
    return earlier[-1] if earlier else None


class PlanInstrument(Instrument):
    name = "verksamhetsplan"
    notebook = "verksamhetsplan_uppfoljning.ipynb"
    population_noun = "elever"
    order = 3
    report_modules = ("elevhalsa_analysis.instruments.verksamhetsplan.report",)
    unit_topics = "frånvaro och anmälningar om kränkande behandling"

    @property
    def title(self) -> str:
        return input_contract().title

    def present(self, period_dir: Path) -> bool:
        return (Path(period_dir) / PLAN_FILE).is_file()

    def personal_names(self, period: str, data_dir: Path) -> list[str]:
        spec = input_contract().files["franvaro"]
        path = find_input(raw_period_dir(data_dir, period), spec.stem, tuple(spec.suffixes))
        names = super().personal_names(period, data_dir)
        if path is None:
            return names
        headers = {normalize_label(h) for c in spec.columns if c.type == "namn" for h in c.headers}
        frame = read_table(path, [normalize_label(h) for c in spec.columns for h in c.headers])
        for column in (c for c in frame.columns if c != ROW and normalize_label(c) in headers):
            names += [n for n in frame[column].map(clean_text) if n]
        return names

    @property
    def config_files(self) -> list[Path]:
        # The survey codebooks shape the scorecard's survey figures and the unit tables.
        return [CONTRACT_FILE, *(p for s in measures.instrument_sources() for p in get(s).config_files)]

    def load_report(self, processed_dir: Path, period: str):
        from .report import PlanReport

        return PlanReport.load(processed_dir, period)

    def fetch_public_statistics(self, period: str, data_dir: Path) -> Path:
        from .kolada import fetch

        return fetch(period, data_dir)

    def unit_data(self, processed_dir: Path) -> list[UnitContribution]:
        from .units import plan_contributions

        return plan_contributions(processed_dir)

    def prepare(self, period: str, data_dir: Path) -> Prepared:
        data_dir = Path(data_dir)
        periods = list_periods(data_dir)
        metas = dict(periods)
        if period not in metas:
            raise DataError(f"Perioden {period} finns inte (ingen period.yaml).", file=raw_period_dir(data_dir, period))
        salt = load_salt(data_dir)
        current = load_plan_period(period, metas[period], data_dir, salt)
        meta, notes = self.with_population(current.meta)
        checks, inputs = [*current.checks, *notes], list(current.inputs)
        rows = [value_rows(spec, measures.evaluate(spec, current.sources), "aktuell") for spec in current.plan.indikatorer]
        labels = [
            {
                "period": period,
                "label": current.meta.label,
                "start": current.meta.start.isoformat(),
                "end": current.meta.end.isoformat(),
                "syntetisk": current.meta.syntetisk,
                "vilken": "aktuell",
            }
        ]
        unit_tables = register_tables(period, current.tables, current.plan.franvarogranser)
        prev = previous_period(periods, period, data_dir)
        if prev is not None:
            try:
                before = load_plan_period(*prev, data_dir, salt)
            except DataError as exc:
                checks.append(
                    q.CheckResult(
                        id=f"historik:{prev[0]}",
                        title=f"Föregående period {prev[0]} kan inte läsas och saknas i jämförelserna",
                        severity=q.WARNING,
                        passed=False,
                        file=Path(str(exc.file or prev[0])).name,
                        column=None,
                        count=1,
                        total=None,
                        observed=exc.message,
                    )
                )
            else:
                inputs += before.inputs
                labels.append(
                    {
                        "period": before.period,
                        "label": before.meta.label,
                        "start": before.meta.start.isoformat(),
                        "end": before.meta.end.isoformat(),
                        "syntetisk": before.meta.syntetisk,
                        "vilken": "foregaende",
                    }
                )
                # Each year's own plan says where its figures come from (e.g. which survey period).
                ids = {i.id for i in before.plan.indikatorer}
                rows += [
                    value_rows(spec, measures.evaluate(before.plan.indicator(spec.id), before.sources), "foregaende")
                    for spec in current.plan.indikatorer
                    if spec.id in ids
                ]
                # This year's thresholds, so a unit's trend compares like with like.
                for name, table in register_tables(before.period, before.tables, current.plan.franvarogranser).items():
                    unit_tables[name] = pd.concat([unit_tables[name], table], ignore_index=True) if name in unit_tables else table
        referenced = {
            s: [i.period or period for i in current.plan.indikatorer if i.kalla == s] for s in measures.instrument_sources()
        }
        surveys, survey_inputs, survey_periods = carried_tables(self.name, periods, current.meta, referenced, data_dir, salt)
        unit_tables.update(surveys)
        inputs += [p for p in dict.fromkeys(survey_inputs) if p not in inputs]
        statuses = current.tables.get("insatser")
        return Prepared(
            instrument=self.name,
            period=period,
            meta=meta,
            tables={
                "indikatorer": pd.DataFrame(rows, columns=VALUE_COLUMNS).astype(
                    {"varde": float, "lag": float, "hog": float, "taljare": "Int64", "namnare": "Int64"}
                ),
                PERIODS: pd.DataFrame(labels),
                **{n: t for n, t in current.tables.items() if n != "insatser"},
                **({"insatser": statuses} if statuses is not None else {}),
                **unit_tables,
            },
            checks=checks,
            inputs=inputs,
            info={
                "codebook_version": current.plan.namn,
                "plan": current.plan.model_dump(mode="json", exclude_unset=True),
                "tillgangliga": sorted(current.tables),
                "enkatperioder": survey_periods,
            },
        )


INSTRUMENT = PlanInstrument()
