"""The errors flash-new reports to its users, each with the exit code the CLI gives it."""


class FlashNewError(Exception):
    """A failure the user can act on; its message is one line that says what to do."""

    exit_code = 2


class UsageError(FlashNewError):
    """Bad input: a name, an option or a destination flash-new cannot work with (exit code 2)."""


class WriteError(UsageError, OSError):
    """The repository could not be written (read-only, full, a file where a folder goes); nothing was (exit 2).

    It is an :class:`OSError` too, so that callers of the library may catch it as the failure it comes from.
    """


class InvalidState(UsageError):
    """A file under ``.flash-new/`` that is not as flash-new writes it: malformed, an answer a flag would refuse,
    a path outside the repository, an edit the task does not make (exit code 2). Nothing is used or written."""


class UntrustedTemplate(UsageError):
    """An answers file names a template source or version that is not flash-new's own (exit code 2).

    Copier runs a template's commands with trust: nothing runs on such a file.
    """


class AnchorMissing(UsageError):
    """A file the task shares with the repository lacks what a registration relies on (exit code 2).

    The file itself, the place an edit goes (an anchor: a list, a toctree, a section), which must be there once,
    or a syntax flash-new can read. Nothing is written.
    """


class ConflictError(FlashNewError):
    """The run would overwrite something the user has, or an update left conflicts (exit code 1)."""

    exit_code = 1


# What a run stopped where no step of it says more (every restore on the way out has run) tells the user.
CANCELLED = "cancelled: run `flash-new check` to see where the repository stands"


class Cancelled(FlashNewError):
    """The user stopped the run (Ctrl-C, or SIGTERM); what it had written is restored (exit code 130, 128 + SIGINT,
    as shells report a run Ctrl-C stopped)."""

    exit_code = 130


class CheckFailed(FlashNewError):
    """``flash-new check`` found tasks that are out of date, incomplete or unfinished (exit code 1)."""

    exit_code = 1


def missing_file(path: str, what: str) -> AnchorMissing:
    """The error for a shared file that is not there."""
    return AnchorMissing(f"{path} does not exist, and the task registers {what} there: restore it, then run again")


def anchor_absent(path: str, expected: str) -> AnchorMissing:
    """The error for a shared file without the place an edit goes."""
    return AnchorMissing(f"{path} does not have {expected}: add it by hand or fix the file, then run again")


def anchor_repeated(path: str, expected: str, count: int) -> AnchorMissing:
    """The error for a shared file with the place an edit goes more than once: which one is meant is unknown."""
    return AnchorMissing(f"{path} has {expected} {count} times, where one is expected: keep one, then run again")
