"""New files written whole or not at all: a finished temporary file beside the target is
linked into place, which refuses to overwrite a file that exists (backup, export)."""

from __future__ import annotations

import os
from pathlib import Path

from thiduaCLI.errors import StoreError
from thiduaCLI.text.i18n import _
from thiduaCLI.text.oserrors import os_reason


def refuse_existing(target: Path) -> None:
    """One line when ``target`` is there already (a file, or a link to one or to nothing)."""
    if target.exists() or target.is_symlink():
        raise StoreError(_("{path}: tệp đã có, chọn tên khác để không ghi đè").format(path=target))


def link_into_place(temporary: Path, target: Path, failed: str) -> None:
    """Give the finished ``temporary`` file the name ``target``, never overwriting one that
    appeared meanwhile; ``failed`` is the message for any other failure ({path}, {reason})."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        refuse_existing(target)
        raise  # pragma: no cover - exists() above has seen the file os.link saw
    except OSError as error:
        raise StoreError(failed.format(path=target, reason=os_reason(error))) from None
