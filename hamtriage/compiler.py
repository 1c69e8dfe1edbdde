"""Moved to :mod:`hamtriage.runtime.compiler`; this import path stays for code written against 0.1."""

from .runtime.compiler import *  # noqa: F403
from .runtime.compiler import __all__ as __all__
