"""The package version (one home: the snapshot key and ``hamtriage.__version__`` read it)."""

__version__ = "0.1.0"
