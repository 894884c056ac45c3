"""Personal data stops here.

E-mail addresses and names are read only to link respondents and are replaced by a salted
pseudonym in the loader, so nothing downstream can leak what it never received. Free text
is redacted before it is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from .codebook import normalize_label
from .config import salt_file

EMAIL_RE = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Personnummer with or without century, with -, + or nothing between date and last four;
# also with a space (as some systems print them).
PERSONNUMMER_RE = re.compile(r"(?<![\d])(?:19|20)?\d{6}[-+ ]?\d{4}(?![\d])")
# Swedish phone numbers: 07x-xxx xx xx, 08-xxx xx xx, +46 70 …; at least 8 digits in all.
PHONE_RE = re.compile(r"(?<![\w])(?:\+46|0)[\d][\d\s\-()]{6,14}\d(?![\w])")


def load_salt(data_dir: Path) -> bytes:
    """The per-installation salt: `ELEVHALSA_SALT` if set, else a secret file created once.

    One salt per data folder keeps a principal's pseudonym stable across periods (so
    periods can be paired) while the pseudonym cannot be reversed without the salt.
    """
    import os

    env = os.environ.get("ELEVHALSA_SALT")
    if env:
        return env.encode("utf-8")
    path = salt_file(data_dir)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(secrets.token_hex(32), encoding="ascii")
        os.replace(tmp, path)
    return path.read_text(encoding="ascii").strip().encode("ascii")


def pseudonymize(identifier: str, salt: bytes) -> str:
    """Stable, non-reversible id for a normalised identifier (e-mail or personnummer)."""
    return hmac.new(salt, normalize_label(identifier).encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def name_terms(names: Iterable[str]) -> list[str]:
    """Full names and their parts (at least two letters), longest first."""
    terms: set[str] = set()
    for name in names:
        if not isinstance(name, str) or not name.strip():
            continue
        full = " ".join(name.split())
        terms.add(full)
        terms.update(part for part in re.split(r"[\s\-]+", full) if len(part) >= 2)
    return sorted(terms, key=lambda t: (-len(t), t))


def redact(text: str | None, names: Iterable[str] = ()) -> str | None:
    """Replace e-mail, personnummer, phone numbers and the given names with markers."""
    if text is None:
        return None
    out = EMAIL_RE.sub("[e-post]", text)
    out = PERSONNUMMER_RE.sub("[personnummer]", out)
    out = PHONE_RE.sub("[telefonnummer]", out)
    pattern = _names_pattern(tuple(names))
    return pattern.sub("[namn]", out) if pattern else out


@lru_cache(maxsize=16)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern | None:
    # Built once per register: rebuilding it for every comment of a large export took seconds.
    terms = name_terms(names)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in terms) + r")(?!\w)", re.IGNORECASE) if terms else None
