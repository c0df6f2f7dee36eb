"""A backup of a PostgreSQL database, made by PostgreSQL's own ``pg_dump``.

SQLite's backup API copies a file; a server's database is copied by the server's tool, which
reads one consistent snapshot while others write. The dump is in ``pg_dump``'s custom format
(``pg_restore`` reads it), written beside the target and linked into place whole, owner-only,
as every backup thidua makes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from thiduaCLI.errors import StoreError
from thiduaCLI.files.atomic import link_into_place, refuse_existing
from thiduaCLI.storage.server import ServerURL
from thiduaCLI.text.i18n import _

TIMEOUT_S = 3600


def command(url: ServerURL, target: Path) -> list[str]:
    """The ``pg_dump`` command for a dump of ``url`` into ``target`` (the URL as written
    after ``--dbname``, its password kept out of the command line: see :func:`dump`)."""
    return ["pg_dump", "--format=custom", f"--file={target}", f"--dbname={_without_password(url)}"]


def dump(url: ServerURL, target: Path) -> Path:
    """Dump the database into the new file ``target``; one clear error, and no file, when it
    cannot be done (``pg_dump`` missing, refused, or failing)."""
    from thiduaCLI.storage.store import backup_beside

    program = shutil.which("pg_dump")
    if program is None:
        refuse_existing(target)
        raise StoreError(
            _(
                "{url}: chưa có pg_dump trên máy này (gói postgresql-client); cài vào rồi chạy "
                "lại, hoặc sao lưu bằng: {command}"
            ).format(url=url, command=" ".join(command(url, target)))
        )
    temporary = backup_beside(target)
    environment = dict(os.environ)
    if url.password is not None:  # not on the command line, where others could read it
        environment["PGPASSWORD"] = url.password
    try:
        arguments = [program, *command(url, temporary)[1:]]
        try:
            done = subprocess.run(
                arguments,
                env=environment,
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise StoreError(
                _("{url}: pg_dump không chạy được ({reason})").format(url=url, reason=error)
            ) from None
        if done.returncode != 0:
            lines = [line for line in done.stderr.splitlines() if line.strip()]
            reason = lines[-1].strip() if lines else f"exit {done.returncode}"
            raise StoreError(
                _("{url}: pg_dump không sao lưu được ({reason})").format(
                    url=url, reason=reason.replace(url.password or "\0", "***")
                )
            )
        os.chmod(temporary, 0o600)
        link_into_place(temporary, target, _("{path}: không ghi được tệp sao lưu ({reason})"))
    finally:
        temporary.unlink(missing_ok=True)
    return target


def _without_password(url: ServerURL) -> str:
    """The URL as libpq takes it, without the password."""
    return str(ServerURL(url.libpq))
