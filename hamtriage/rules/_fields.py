"""The field types every rule-file model shares: ids, texts, bounded numbers, source keys.

Also the base model (frozen, no extra keys, validators built on first use) and the
helpers that tell a condition or an action by its key, for :mod:`hamtriage.rules.schema`.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from ..errors import suggest

__all__ = [
    "ID_PATTERN",
    "MAX_NUMBER",
    "Certainty",
    "Id",
    "Number",
    "SchemaModel",
    "ShortText",
    "SourceKeys",
    "Text",
    "one_of",
    "tag_of",
]

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
MAX_NUMBER = 1_000_000.0

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=64)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=4000)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200)]


def finite(v: Any) -> Any:
    if isinstance(v, bool):
        raise ValueError("expected a number, not true/false")
    if isinstance(v, int | float) and (not math.isfinite(v) or abs(v) > MAX_NUMBER):
        raise ValueError(f"numbers must be finite and within ±{MAX_NUMBER:g}")
    return v


Number = Annotated[float, BeforeValidator(finite)]
Certainty = Annotated[float, BeforeValidator(finite), Field(gt=0.0, le=1.0)]


def as_list(v: Any) -> Any:
    return [v] if isinstance(v, str) else v


SourceKeys = Annotated[
    list[Annotated[str, StringConstraints(min_length=1, max_length=64)]],
    BeforeValidator(as_list),
    Field(min_length=1),
]


class SchemaModel(BaseModel):
    # validators are built when a rule file is first validated, not at import (~60 ms
    # of cold start): a pack read back from its snapshot never needs them
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


def one_of(choices: tuple[str, ...], what: str) -> Any:
    def check(v: Any) -> Any:
        if isinstance(v, str) and v not in choices:
            close = suggest(v, choices)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ValueError(f"unknown {what} '{v}'{hint}; expected one of: {', '.join(choices)}")
        return v

    return check


def tag_of(keys: tuple[str, ...], types: dict[str, type[SchemaModel]]) -> Any:
    def pick(v: Any) -> str | None:
        if isinstance(v, dict):
            for key in keys:
                if key in v:
                    return key
            return None
        for key, cls in types.items():
            if isinstance(v, cls):
                return key
        return None

    return pick
