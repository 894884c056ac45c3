"""The preschool guardian survey's answers typed out by a rule (data-contract-forskola.md),
with a child's name, a phone number and an e-mail address planted in one comment."""

from __future__ import annotations

from contract_files import CHILDREN, FIVE, GUARDIAN_Q

PERIOD = "2025-03"


CHILD = "Tindra"


PHONE = "070-123 45 67"


EMAIL = "foralder.test@exempel.se"


PLANTED = f"{CHILD} blir retad vid sandlådan, ring mig på {PHONE} eller skriv till {EMAIL}"


AGES = {"1–3 år": ["1", "2 år", "3"], "4–5 år": ["4 år", "5"]}


AGREE = {"4", "5 Stämmer helt och hållet"}


def responses() -> list[dict]:
    """Answers typed out by a rule: every label, empty cells, ages in the forms a tool writes,
    one planted comment at the largest unit."""
    rows, i = [], 0
    for (unit, group), n in CHILDREN.items():
        for k in range(n - 2 - n // 5):
            i += 1
            row = {"id": str(i), "unit": unit, "group": group, "age": AGES[group][k % len(AGES[group])]}
            for j, qid in enumerate(list(GUARDIAN_Q)[:-1]):
                row[qid] = "" if (i + j) % 19 == 0 else FIVE[(i * (j + 3) + k) % 6]
            row["kommentar"] = "Bra förskola." if i % 9 == 0 else ""
            rows.append(row)
    rows[3]["kommentar"] = PLANTED
    return rows
