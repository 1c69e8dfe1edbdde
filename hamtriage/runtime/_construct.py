"""Fast construction of trusted result models.

``BaseModel.model_construct`` skips validation but still walks every field, its
aliases and defaults in Python: on the triage hot path that was the largest single
cost. :func:`trusted` returns a constructor that builds exactly what
``model_construct`` builds when *every* field is given as a keyword in declaration
order (the same ``__dict__``, fields-set, extra and private slots). It only checks the
number of keywords (a call with fewer falls back to ``model_construct``); that the
engine passes the fields by name and in order is asserted by the tests, which compare
the ``repr`` of every result with its re-validated copy.

All instances built by one constructor share one fields-set (every field is set in
all of them). Pydantic never changes a model's fields-set in place except on a copy it
has just made (``model_copy`` copies the set first), and results are frozen, so
sharing is safe; it saves a set, and a container for the garbage collector to
traverse, per object: on batches of results the collector's passes cost more than
building the objects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

__all__ = ["trusted"]

M = TypeVar("M", bound=BaseModel)

_setattr = object.__setattr__
_new = object.__new__
# BaseModel's own slots, set through their descriptors: a third cheaper per object than
# object.__setattr__ by name (about 12 objects per triage)
_slot = BaseModel.__dict__
_set_fields_set = _slot["__pydantic_fields_set__"].__set__
_set_extra = _slot["__pydantic_extra__"].__set__
_set_private = _slot["__pydantic_private__"].__set__


def trusted(cls: type[M]) -> Callable[..., M]:
    """A constructor of ``cls`` from trusted values (all fields, in declaration order)."""
    names = tuple(cls.model_fields)
    plain = (
        not cls.__pydantic_root_model__
        and cls.__pydantic_post_init__ is None
        and cls.model_config.get("extra") != "allow"
        and all(f.alias is None and f.validation_alias is None for f in cls.model_fields.values())
    )

    if not plain:
        return cls.model_construct
    fields_set = set(names)

    def make(**values: Any) -> M:
        if values.keys() != fields_set:  # a set comparison: cheap beside building a model
            unknown = values.keys() - fields_set
            if unknown:  # a misspelt name must not build a wrong object silently
                raise TypeError(f"{cls.__name__} has no field {', '.join(sorted(unknown))}")
            return cls.model_construct(**values)
        m = _new(cls)
        _setattr(m, "__dict__", values)
        _set_fields_set(m, fields_set)
        _set_extra(m, None)
        _set_private(m, None)
        return m

    return make
