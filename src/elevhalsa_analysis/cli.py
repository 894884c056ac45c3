"""`elevhalsa`: the command researchers run. Messages are Swedish; errors never traceback.

Exit codes: 0 done, 1 an error in the data or the setup (the message says what to fix),
2 a bug in the program (the message names a bug report; see bugs.py), 130 interrupted.
"""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path

from . import bugs
from .batch import fewer_gc_passes
from .config import DATA_DIR, REPORTS_DIR
from .errors import ElevhalsaError
from .formatting import fmt_decimal

# argparse's own words (Python 3.11), in Swedish: everything a user reads is Swedish.
_ARGPARSE_SV = {
    "usage: ": "användning: ",
    "positional arguments": "kommandon och argument",
    "options": "flaggor",
    "show this help message and exit": "visa den här hjälpen och avsluta",
    "the following arguments are required: %s": "de här argumenten saknas: %s",
    "one of the arguments %s is required": "ett av argumenten %s krävs",
    "invalid choice: %(value)r (choose from %(choices)s)": "okänt val %(value)r (välj bland %(choices)s)",
    "unrecognized arguments: %s": "okända argument: %s",
    "expected one argument": "argumentet behöver ett värde",
    "argument %(argument_name)s: %(message)s": "argumentet %(argument_name)s: %(message)s",
    "not allowed with argument %s": "kan inte kombineras med %s",
}


class _Parser(argparse.ArgumentParser):
    """Swedish words, and exit code 1 for a mistyped command: 2 means a bug in the program."""

    def error(self, message: str) -> None:
        self.print_usage(sys.stderr)
        self.exit(1, f"{self.prog}: fel i kommandot: {message}\n")


def _parser() -> argparse.ArgumentParser:
    # argparse looks its words up through this module-level function when it formats them.
    argparse._ = lambda text: _ARGPARSE_SV.get(text, text)
    parser = _Parser(prog="elevhalsa", description="Rapporter från uppföljningar av elevhälsan.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="kommando", parser_class=_Parser)
    run = sub.add_parser("run", help="kontrollera data och skapa rapporter för en period eller alla")
    which = run.add_mutually_exclusive_group(required=True)
    which.add_argument("--period", help="periodens mapp under DATA/raw, t.ex. 2024-10")
    which.add_argument(
        "--all", action="store_true", help="alla perioder under DATA/raw, parallellt; aktuella perioder hoppas över"
    )
    run.add_argument("--force", action="store_true", help="med --all: kör om även perioder som är aktuella")
    run.add_argument("--data-dir", type=Path, default=DATA_DIR, help="datamappen (standard: data)")
    run.add_argument("--reports-dir", type=Path, default=REPORTS_DIR, help="rapportmappen (standard: reports)")
    run.add_argument(
        "--run-date", default=None, help="körningsdatum i rapporten (ÅÅÅÅ-MM-DD); annars SOURCE_DATE_EPOCH eller dagens datum"
    )
    check = sub.add_parser("validate", help="kör bara datakontrollerna för en period")
    check.add_argument("--period", required=True, help="periodens mapp under DATA/raw, t.ex. 2024-10")
    check.add_argument("--data-dir", type=Path, default=DATA_DIR, help="datamappen (standard: data)")
    check.add_argument("--reports-dir", type=Path, default=REPORTS_DIR, help="var valideringssidan skrivs (standard: reports)")
    state = sub.add_parser("status", help="visa vilka perioder som är aktuella och vilka som behöver köras om")
    state.add_argument("--data-dir", type=Path, default=DATA_DIR, help="datamappen (standard: data)")
    state.add_argument("--reports-dir", type=Path, default=REPORTS_DIR, help="rapportmappen (standard: reports)")
    kolada = sub.add_parser("kolada", help="hämta planens nyckeltal från Kolada till DATA/raw/PERIOD/kolada.json")
    kolada.add_argument("--period", required=True, help="uppföljningens mapp under DATA/raw, t.ex. 2024")
    kolada.add_argument("--data-dir", type=Path, default=DATA_DIR, help="datamappen (standard: data)")
    return parser


def _kolada(args: argparse.Namespace) -> int:
    from .registry import all_instruments

    # The instruments that offer it (the operations plan) say what they need and where it is saved.
    for instrument in (i for i in all_instruments() if i.fetches_public_statistics):
        print(f"Kolada-data sparade: {instrument.fetch_public_statistics(args.period, args.data_dir)}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from .pipeline import VALIDATION_PAGE, validate_period
    from .quality import BLOCKING, NOTE, verdict

    outcome = validate_period(args.period, args.data_dir, args.reports_dir)
    checks = [c for c in outcome.checks if c.severity != NOTE]
    print(f"Datakontroll för {args.period}: {sum(c.passed for c in checks)} av {len(checks)} kontroller godkända.")
    for c in outcome.checks:
        if not c.passed:
            print(f"  {'STOPPAR' if c.severity == BLOCKING else 'VARNING'}: {c.summary()}")
        elif c.severity == NOTE:
            print(f"  {c.summary()}")
    if outcome.error is not None:
        print(f"Fel: {outcome.error}", file=sys.stderr)
    # The verdict names every warning, so a reservation is never reduced to "håller".
    print(verdict(outcome.checks) if outcome.ok else "Underlaget håller inte för analys.")
    print(f"Valideringssida: {args.reports_dir / args.period / VALIDATION_PAGE}")
    return 0 if outcome.ok else 1


def _run(args: argparse.Namespace) -> int:
    if args.all:
        from .batch import BUG, FAILED, run_all, summary

        results = run_all(args.data_dir, args.reports_dir, args.run_date, force=args.force)
        print(summary(results))
        if any(r.status == BUG for r in results):
            return bugs.EXIT_CODE
        return 1 if any(r.status == FAILED for r in results) else 0
    from .pipeline import run_period

    outcome = run_period(args.period, args.data_dir, args.reports_dir, args.run_date)
    for path in outcome.reports:
        print(f"Rapport klar: {path}")
    print(f"Perioden {outcome.period} klar på {fmt_decimal(outcome.seconds, 1)} s.")
    return 0


def _status(args: argparse.Namespace) -> int:
    from .batch import status_table
    from .freshness import status

    print(status_table(status(args.data_dir, args.reports_dir)))
    return 0


def main(argv: list[str] | None = None) -> int:
    fewer_gc_passes()
    args = _parser().parse_args(argv)
    try:
        return {"run": _run, "validate": _validate, "kolada": _kolada, "status": _status}[args.command](args)
    except ElevhalsaError as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Avbrutet.", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001  (anything else is a bug, told as one)
        parameters = {"kommando": args.command, **{k: str(v) for k, v in vars(args).items() if k != "command"}}
        report = bugs.write_report(exc, parameters, getattr(args, "reports_dir", REPORTS_DIR))
        print(f"Programfel: {bugs.message(exc, report)}", file=sys.stderr)
        return bugs.EXIT_CODE


def entry() -> None:
    """The `elevhalsa` command: `main`, then a quick exit.

    Leaving the interpreter runs full garbage collections over every object that pandas
    and great_expectations made, about a second after the work is done. Frozen objects
    are skipped; the operating system frees the memory anyway. Not in `main`, which the
    tests call many times in one process.
    """
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    entry()
