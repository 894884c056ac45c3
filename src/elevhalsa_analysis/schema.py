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
}


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
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" på rad {mark.line + 1}" if mark else ""
        raise DataError(f"Filen är inte giltig YAML{line}: {getattr(exc, 'problem', exc)}.", file=path) from None
    if node is None:
        raise DataError("Filen är tom.", file=path)
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        where = _node_at(node, loc)
        key = ".".join(str(p) for p in loc) or "(filens början)"
        reason = _MESSAGES.get(err["type"], err["msg"])
        raise DataError(
            f"Fel i konfigurationen på rad {where.start_mark.line + 1}, nyckel «{key}»: {reason}.",
            file=path,
            column=key,
            value=err.get("input") if err["type"] != "missing" and not isinstance(err.get("input"), (dict, list)) else None,
        ) from None
