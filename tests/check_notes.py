"""The notes a loader leaves: information-level checks, by id, as the validation page says them."""

from __future__ import annotations


def notes(checks) -> dict[str, str]:
    return {c.id: c.summary() for c in checks if c.severity == "information"}
