"""Run thidua as ``python -m thiduaCLI``."""

from thiduaCLI.cli.launcher import entry

entry()
