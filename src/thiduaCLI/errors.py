"""The project's exceptions. Each carries one line a user can act on."""


class ThiduaError(Exception):
    """A problem the user can fix; the CLI prints it on one line and exits 1."""


class PlanError(ThiduaError):
    """The plan file is unreadable or fails validation."""


class InputError(ThiduaError):
    """A value, date or option typed by the user is not acceptable."""


class LookupFailed(ThiduaError):
    """A unit or indicator name matches nothing, or more than one thing."""


class StoreError(ThiduaError):
    """The database file cannot be opened, read or written."""


class BusyError(StoreError):
    """The database server refused a transaction that may simply run again (a serialization
    failure or a deadlock): the library runs it again a few times before giving up."""


class UsageProblem(ThiduaError):
    """Options that do not go together; the CLI exits 2 like any usage error."""
