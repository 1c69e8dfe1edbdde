"""Moved to :mod:`hamtriage.flows.intake`; this import path stays for code written against 0.1."""

from .flows.intake import *  # noqa: F403
from .flows.intake import __all__ as __all__
