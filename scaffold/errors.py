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


class ConflictError(FlashNewError):
    """The run would overwrite something the user has, or an update left conflicts (exit code 1)."""

    exit_code = 1


class CheckFailed(FlashNewError):
    """``flash-new check`` found tasks that are out of date, incomplete or unfinished (exit code 1)."""

    exit_code = 1
