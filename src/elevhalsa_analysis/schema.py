"""Strict YAML configuration: every error names the key and the line.

Codebooks, `period.yaml` and operations plans are data that people edit. A misspelt key
must be an error that says where it is, never silently ignored, so every model forbids
unknown keys and validation errors are mapped back to the YAML source line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import DataError

M = TypeVar("M", bound=BaseModel)


class KeyProblem(ValueError):
    """A validator's complaint about a key below the model it validates.

    Cross-references (an id used twice, a pointer to an unknown id) are checked where the
    whole model is visible, but the user must be sent to the offending key: `loc` is the
    path from the validated model to it.
    """

    def __init__(self, message: str, *loc: str | int) -> None:
        super().__init__(message)
        self.loc = loc


class Strict(BaseModel):
    """Base for configuration models: unknown keys are errors, models are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _node_at(node: yaml.Node, loc: tuple[Any, ...]) -> yaml.Node:
    """The deepest YAML node that `loc` (a pydantic error location) reaches."""
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == str(key)), None)
            if match is None:
                # An unknown key: point at the key itself.
                key_node = next((k for k, _ in node.value if k.value == str(key)), None)
                return key_node or node
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
    return node


_MESSAGES = {
    "extra_forbidden": "okänd nyckel",
    "missing": "nyckeln saknas",
    "literal_error": "okänt värde; tillåtna är {expected}",
    "enum": "okänt värde; tillåtna är {expected}",
    "string_too_short": "får inte vara tom",
    "greater_than_equal": "ska vara minst {ge}",
    "less_than_equal": "ska vara högst {le}",
    "greater_than": "ska vara större än {gt}",
    "less_than": "ska vara mindre än {lt}",
}
# Pydantic's own texts are English; its error types start with the kind that was expected.
_EXPECTED = {
    "date": "ska vara ett datum (ÅÅÅÅ-MM-DD)",
    "datetime": "ska vara en tidpunkt (ÅÅÅÅ-MM-DD TT:MM)",
    "string": "ska vara text",
    "bool": "ska vara true eller false",
    "int": "ska vara ett heltal",
    "float": "ska vara ett tal",
    "decimal": "ska vara ett tal",
    "list": "ska vara en lista",
    "dict": "ska vara nycklar med värden",
    "model": "ska vara nycklar med värden",
}


def _reason(err: dict) -> str:
    cause = (err.get("ctx") or {}).get("error")
    if err["type"] == "value_error" and cause is not None:
        return str(cause)
    template = _MESSAGES.get(err["type"])
    if template:
        # pydantic lists alternatives in English ("'a' or 'b'").
        return template.format(**{k: str(v).replace("' or '", "' eller '") for k, v in (err.get("ctx") or {}).items()})
    return _EXPECTED.get(err["type"].split("_")[0], "ogiltigt värde")


def load_yaml(path: Path, model: type[M], context: dict[str, Any] | None = None) -> M:
    """Read `path` and validate it against `model`, raising a Swedish `DataError`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except FileNotFoundError:
        raise DataError(f"Filen {path.name} saknas i {path.parent}.", file=path) from None
    except UnicodeDecodeError:
        raise DataError("Filen är inte UTF-8-kodad; spara den som UTF-8.", file=path) from None
    except OSError:
        raise DataError(
            f"Filen {path.name} kan inte läsas: den är låst, saknar läsbehörighet eller är en mapp.", file=path
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" på rad {mark.line + 1}" if mark else ""
        # PyYAML explains in English; the line and what usually goes wrong are enough.
        raise DataError(
            f"Filen är inte giltig YAML{line}. Kontrollera indrag, kolon efter nycklar och citattecken.", file=path
        ) from None
    if node is None:
        raise DataError("Filen är tom.", file=path)
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"]) + tuple(getattr((err.get("ctx") or {}).get("error"), "loc", ()))
        where = _node_at(node, loc)
        key = ".".join(str(p) for p in loc) or "(filens början)"
        reason = _reason(err)
        raise DataError(
            f"Fel i konfigurationen på rad {where.start_mark.line + 1}, nyckel «{key}»: {reason}.",
            file=path,
            column=key,
            value=err.get("input") if err["type"] != "missing" and not isinstance(err.get("input"), (dict, list)) else None,
        ) from None
