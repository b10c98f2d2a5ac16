"""The package version, in one place: ``__init__``, ``fetch`` and the CLI read it here."""

__version__ = "0.2.0"
