"""The ``thidua`` command's entry point: settle the language, then run the command line.

Whatever was typed reaches the commands in Unicode NFC, the one form thidua stores.

The language has to be known before :mod:`thiduaCLI.cli` is imported, because Typer reads
every help text when the commands are declared.
"""

from __future__ import annotations

import os
import sys

from thiduaCLI import conventions, i18n
from thiduaCLI.errors import UsageProblem
from thiduaCLI.i18n import _
from thiduaCLI.lookup import nfc


def main() -> None:
    """Run ``thidua`` with the arguments and environment of this process."""
    try:
        chosen, rest = conventions.settle(sys.argv[1:], os.environ)
    except UsageProblem as error:
        sys.stderr.write(_("Lỗi: {message}").format(message=error) + "\n")
        sys.exit(2)
    i18n.use(chosen.language)
    conventions.adopt(chosen)
    sys.argv[1:] = [nfc(arg) for arg in rest]
    for name, value in os.environ.items():
        if name.startswith("THIDUA_"):
            os.environ[name] = nfc(value)
    from thiduaCLI.cli import main as run

    run()
