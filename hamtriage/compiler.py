"""Moved to :mod:`hamtriage.runtime.compiler`; this import path stays for code written against 0.1."""

from .rules.logic import MAX_EXPANSION, Atom, dnf
from .runtime.compiler import *  # noqa: F403
from .runtime.compiler import LIMITS, CompiledPack, CompiledRule, compile_pack
from .runtime.wire import BOOT_RULE, engine_number

__all__ = [
    "BOOT_RULE",
    "LIMITS",
    "MAX_EXPANSION",
    "Atom",
    "CompiledPack",
    "CompiledRule",
    "compile_pack",
    "dnf",
    "engine_number",
]
