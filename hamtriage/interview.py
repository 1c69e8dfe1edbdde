"""Moved to :mod:`hamtriage.flows.interview`; this import path stays for code written against 0.1."""

from .flows.interview import *  # noqa: F403
from .flows.interview import __all__ as __all__
