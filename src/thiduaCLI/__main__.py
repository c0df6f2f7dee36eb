"""Run thidua as ``python -m thiduaCLI``."""

from thiduaCLI.launcher import entry

entry()
