"""Moved to :mod:`hamtriage.flows.distributed`; this import path stays for code written against 0.1."""

from .flows.distributed import *  # noqa: F403
from .flows.distributed import __all__ as __all__
