"""The errors flash-new reports to its users, each with the exit code the CLI gives it."""


class FlashNewError(Exception):
    """A failure the user can act on; its message is one line that says what to do."""

    exit_code = 2


class UsageError(FlashNewError):
    """Bad input: a name, an option or a destination flash-new cannot work with (exit code 2)."""


class ConflictError(FlashNewError):
    """The run would overwrite something the user has, or an update left conflicts (exit code 1)."""

    exit_code = 1


class CheckFailed(FlashNewError):
    """``flash-new check`` found tasks that are out of date, incomplete or unfinished (exit code 1)."""

    exit_code = 1
