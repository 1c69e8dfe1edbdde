"""Moved to :mod:`hamtriage.rules.safety`; this import path stays for code written against 0.1."""

from .rules.safety import *  # noqa: F403
from .rules.safety import __all__ as __all__
