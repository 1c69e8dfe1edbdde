"""Moved to :mod:`hamtriage.flows.explain`; this import path stays for code written against 0.1."""

from .flows.explain import *  # noqa: F403
from .flows.explain import __all__ as __all__
