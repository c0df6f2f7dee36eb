"""New files written whole or not at all: a finished temporary file beside the target is
linked into place, which refuses to overwrite a file that exists (backup, export, forms,
the papers).

A file system without hard links (FAT and exFAT: most USB sticks) refuses the link; there the
finished file is copied to a target created exclusively (still never overwriting), and a
copy that fails is removed."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

from thiduaCLI.errors import StoreError
from thiduaCLI.text.i18n import _
from thiduaCLI.text.oserrors import os_reason

# what a file system without hard links answers to link(2)
NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.ENOSYS}


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
        if error.errno not in NO_LINKS:
            raise StoreError(failed.format(path=target, reason=os_reason(error))) from None
        _copy_into_place(temporary, target, failed)


def _copy_into_place(temporary: Path, target: Path, failed: str) -> None:
    """The fallback of :func:`link_into_place`: an exclusive create, the bytes, a flush to
    disk; the half-copied target removed if anything fails."""
    try:
        with temporary.open("rb") as source, target.open("xb") as copy:
            try:
                shutil.copyfileobj(source, copy, 1 << 20)
                copy.flush()
                os.fsync(copy.fileno())
            except BaseException:
                target.unlink(missing_ok=True)
                raise
    except FileExistsError:
        refuse_existing(target)
        raise  # pragma: no cover - exists() above has seen the file open("x") saw
    except OSError as error:
        raise StoreError(failed.format(path=target, reason=os_reason(error))) from None
