"""Run thidua as ``python -m thiduaCLI``."""

from thiduaCLI.cli import main

main()
