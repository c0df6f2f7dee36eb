"""Run thidua as ``python -m thiduaCLI``."""

from thiduaCLI.launcher import main

main()
