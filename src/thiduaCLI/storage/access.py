"""Who may write what, on PostgreSQL: roles, grants and row-level security.

The database itself enforces it, whatever program a login connects with:

- an **officer** records, corrects, retracts and loads plans;
- a **unit** login records figures of its own units only (no corrections, no retractions),
  and reads everything;
- a **viewer** reads.

Three group roles carry the table privileges (``thidua_officer``, ``thidua_unit``,
``thidua_viewer``; roles are the server's, shared by its databases), and the table
``thidua_access`` of each database says which login is what there: every row-level policy
reads it, so a login that is an officer in one province's database is nobody in another's.
A figure's ``recorded_by`` must be the login itself (``current_user``). The owner of the
tables (who ran ``thidua init``) is not bound by the policies, as PostgreSQL's owners are not;
it grants and revokes access.

The monthly totals beside the figures (``figure_months``) are written by whoever writes
figures: a unit may write only its own units' rows there, and ``thidua verify`` rebuilds them
from the figures and compares.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Column, Connection, MetaData, String, Table, delete, insert, select

from thiduaCLI.errors import InputError, StoreError
from thiduaCLI.text.i18n import _

ROLES = ("officer", "unit", "viewer")
GROUP = {role: f"thidua_{role}" for role in ROLES}

access_table = Table(
    "thidua_access",
    MetaData(),
    Column("login", String, primary_key=True),
    Column("unit", String, primary_key=True),  # "" for an officer or a viewer
    Column("role", String, nullable=False),
)

# Tables only an officer writes (the figures and their months have rules of their own).
OFFICER_TABLES = (
    "plan",
    "plan_unit",
    "plan_version",
    "retraction",
    "import_retraction",
    "target_change",
)
READ_ONLY_TABLES = ("schema_migration",)
SEQUENCES = (
    "figure_id_seq",
    "audit_chain_seq_seq",
    "plan_version_id_seq",
    "target_change_id_seq",
)


@dataclass(frozen=True)
class Access:
    """One login's access to this database."""

    login: str
    role: str
    units: tuple[str, ...] = ()


def _quoted(connection: Connection, name: str) -> str:
    """A role or table name quoted for SQL by the server itself."""
    return str(connection.exec_driver_sql("SELECT quote_ident(%s)", (name,)).scalar_one())


def install(connection: Connection) -> None:
    """Create the group roles (when the server has none yet), grant them the tables, and
    turn on row-level security with its policies (``thidua init`` on a new database)."""
    access_table.create(connection)
    for group in GROUP.values():
        exists = connection.exec_driver_sql(
            "SELECT 1 FROM pg_roles WHERE rolname = %s", (group,)
        ).first()
        if exists is None:
            connection.exec_driver_sql(f"CREATE ROLE {group} NOLOGIN")
    close_database(connection)
    groups = ", ".join(GROUP.values())
    connection.exec_driver_sql(f"GRANT USAGE ON SCHEMA {_schema(connection)} TO {groups}")
    tables = [*OFFICER_TABLES, *READ_ONLY_TABLES, "figure", "figure_months", "audit_chain"]
    for table in [*tables, access_table.name]:
        connection.exec_driver_sql(f"GRANT SELECT ON {table} TO {groups}")
    officer, unit = GROUP["officer"], GROUP["unit"]
    for table in OFFICER_TABLES:
        connection.exec_driver_sql(f"GRANT INSERT, UPDATE, DELETE ON {table} TO {officer}")
    connection.exec_driver_sql(f"GRANT INSERT ON figure, audit_chain TO {officer}, {unit}")
    connection.exec_driver_sql(
        f"GRANT INSERT, UPDATE, DELETE ON figure_months TO {officer}, {unit}"
    )
    for sequence in SEQUENCES:
        connection.exec_driver_sql(f"GRANT USAGE, SELECT ON SEQUENCE {sequence} TO {officer}")
    connection.exec_driver_sql(f"GRANT UPDATE ON SEQUENCE figure_id_seq TO {officer}, {unit}")
    connection.exec_driver_sql(f"GRANT USAGE, SELECT ON SEQUENCE figure_id_seq TO {unit}")
    connection.exec_driver_sql(f"GRANT USAGE, SELECT ON SEQUENCE audit_chain_seq_seq TO {unit}")
    _policies(connection, tables)


def close_database(connection: Connection) -> None:
    """Only the logins given access connect (PostgreSQL lets everyone connect to a new
    database); they may make the temporary tables a write uses. A database made by
    ``CREATE DATABASE … TEMPLATE`` gets PostgreSQL's defaults again: this is run on it."""
    database = _quoted(connection, current_database(connection))
    connection.exec_driver_sql(f"REVOKE CONNECT, TEMPORARY ON DATABASE {database} FROM PUBLIC")
    groups = ", ".join(GROUP.values())
    connection.exec_driver_sql(f"GRANT TEMPORARY ON DATABASE {database} TO {groups}")
    logins = connection.execute(select(access_table.c.login).distinct()).scalars()
    for login in logins:
        connection.exec_driver_sql(
            f"GRANT CONNECT ON DATABASE {database} TO {_quoted(connection, login)}"
        )


def _policies(connection: Connection, tables: list[str]) -> None:
    """The row-level rules, each reading ``thidua_access`` for the login running it."""
    schema = _schema(connection)
    role_is = (
        "EXISTS (SELECT 1 FROM {schema}.thidua_access a WHERE a.login = current_user"
        " AND a.role = '{role}')"
    )
    anyone = f"EXISTS (SELECT 1 FROM {schema}.thidua_access a WHERE a.login = current_user)"
    officer = role_is.format(schema=schema, role="officer")
    own_unit = (
        f"unit IN (SELECT a.unit FROM {schema}.thidua_access a WHERE a.login = current_user"
        " AND a.role = 'unit')"
    )
    for table in tables:
        connection.exec_driver_sql(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        connection.exec_driver_sql(
            f"CREATE POLICY thidua_read ON {table} FOR SELECT USING ({anyone})"
        )
    for table in OFFICER_TABLES:
        connection.exec_driver_sql(
            f"CREATE POLICY thidua_officer ON {table} FOR ALL USING ({officer})"
            f" WITH CHECK ({officer})"
        )
    statements = (
        # a figure is recorded by the login itself: an officer's of any unit, a unit's of its own
        f"CREATE POLICY thidua_officer ON figure FOR INSERT"
        f" WITH CHECK ({officer} AND recorded_by = current_user)",
        f"CREATE POLICY thidua_unit ON figure FOR INSERT"
        f" WITH CHECK ({own_unit} AND recorded_by = current_user AND supersedes IS NULL)",
        f"CREATE POLICY thidua_officer ON figure_months FOR ALL USING ({officer})"
        f" WITH CHECK ({officer})",
        f"CREATE POLICY thidua_unit ON figure_months FOR ALL USING ({own_unit})"
        f" WITH CHECK ({own_unit})",
        f"CREATE POLICY thidua_officer ON audit_chain FOR INSERT WITH CHECK ({officer})",
        f"CREATE POLICY thidua_unit ON audit_chain FOR INSERT"
        f" WITH CHECK ({role_is.format(schema=schema, role='unit')} AND kind = 'figures')",
    )
    for statement in statements:
        connection.exec_driver_sql(statement)


def current_database(connection: Connection) -> str:
    """The database's name on its server."""
    return str(connection.exec_driver_sql("SELECT current_database()").scalar_one())


def _schema(connection: Connection) -> str:
    return _quoted(
        connection, str(connection.exec_driver_sql("SELECT current_schema()").scalar_one())
    )


def grant(connection: Connection, login: str, role: str, units: tuple[str, ...] = ()) -> Access:
    """Give ``login`` its access to this database (replacing what it had): the login is made
    when the server has none of that name (without a password: the server's administrator
    gives one, or a certificate, as the province's rules say)."""
    if role not in ROLES:
        raise InputError(_("vai trò {role}: chọn officer, unit hoặc viewer").format(role=role))
    if role == "unit" and not units:
        raise InputError(_("tài khoản đơn vị cần ít nhất một mã đơn vị (--unit MÃ)"))
    _may_grant(connection)
    name = _quoted(connection, login)
    exists = connection.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,))
    if exists.first() is None:
        connection.exec_driver_sql(f"CREATE ROLE {name} LOGIN")
    for other in ROLES:
        if other != role:
            connection.exec_driver_sql(f"REVOKE {GROUP[other]} FROM {name}")
    connection.exec_driver_sql(f"GRANT {GROUP[role]} TO {name}")
    database = _quoted(connection, current_database(connection))
    connection.exec_driver_sql(f"GRANT CONNECT ON DATABASE {database} TO {name}")
    connection.execute(delete(access_table).where(access_table.c.login == login))
    rows = [{"login": login, "unit": unit, "role": role} for unit in (units or ("",))]
    connection.execute(insert(access_table), rows)
    return Access(login, role, tuple(units))


def revoke(connection: Connection, login: str) -> Access | None:
    """Take away ``login``'s access to this database (the login itself stays: it may have
    other databases); None when it had none."""
    _may_grant(connection)
    had = grants(connection, login)
    if not had:
        return None
    connection.execute(delete(access_table).where(access_table.c.login == login))
    name = _quoted(connection, login)
    database = _quoted(connection, current_database(connection))
    connection.exec_driver_sql(f"REVOKE CONNECT ON DATABASE {database} FROM {name}")
    return had[0]


def grants(connection: Connection, login: str | None = None) -> list[Access]:
    """Who has access to this database, by login."""
    query = select(access_table.c.login, access_table.c.role, access_table.c.unit).order_by(
        access_table.c.login, access_table.c.unit
    )
    if login is not None:
        query = query.where(access_table.c.login == login)
    found: dict[str, Access] = {}
    for name, role, unit in connection.execute(query):
        earlier = found.get(name)
        units = (*earlier.units, unit) if earlier is not None else ((unit,) if unit else ())
        found[name] = Access(name, role, units)
    return list(found.values())


def check_write(connection: Connection, login: str, units: Collection[str] | None) -> None:
    """Refuse, in one line naming what the login may do, a write its access does not allow:
    anything from a viewer; from a unit's login, anything but new figures of its own units
    (``units``: the units written, None for a correction, a retraction or a plan). The
    database's policies refuse the same; this says it in words the officer reads. The owner
    and an officer pass; a login with no access at all is left to the database."""
    found = grants(connection, login)
    if not found or found[0].role == "officer":
        return
    mine = found[0]
    if mine.role == "viewer":
        raise InputError(
            _(
                "tài khoản {login} chỉ được xem (người xem), không ghi được gì; chủ cơ sở dữ "
                "liệu cấp quyền ghi bằng thidua access grant"
            ).format(login=login)
        )
    own = ", ".join(mine.units)
    if units is None:
        raise InputError(
            _(
                "tài khoản {login} là tài khoản đơn vị ({units}): chỉ nhập số liệu mới; sửa, "
                "thu hồi và nạp kế hoạch là việc của cán bộ thi đua (officer)"
            ).format(login=login, units=own)
        )
    others = sorted(set(units) - set(mine.units))
    if others:
        shown = ", ".join(others[:5]) + (" …" if len(others) > 5 else "")
        raise InputError(
            _(
                "tài khoản {login} chỉ nhập được số liệu của {units}; không được nhập cho {others}"
            ).format(login=login, units=own, others=shown)
        )


def is_owner(connection: Connection) -> bool:
    """Whether the login owns the tables (or is a superuser): it alone grants, revokes and
    upgrades the schema."""
    allowed = connection.exec_driver_sql(
        "SELECT pg_has_role(current_user, tableowner, 'USAGE') FROM pg_tables"
        " WHERE schemaname = current_schema() AND tablename = 'thidua_access'"
    ).scalar()
    return bool(allowed)


def _may_grant(connection: Connection) -> None:
    """Only the tables' owner (or a superuser) grants: one clear line for anyone else."""
    if not is_owner(connection):
        raise StoreError(
            _(
                "chỉ chủ sở hữu cơ sở dữ liệu (tài khoản đã chạy thidua init) mới cấp hoặc thu "
                "quyền; tài khoản {login} không được"
            ).format(login=connection.exec_driver_sql("SELECT current_user").scalar_one())
        )
