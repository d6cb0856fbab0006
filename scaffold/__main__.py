"""The ``flash-new`` command: ``python -m scaffold``, and the entry point of the console script.

Ctrl-C while the command line is still being loaded is a cancellation like any other: one line, exit code 130.
"""

import sys


def main() -> None:
    try:
        from scaffold.cli import main as run

        run()
    except KeyboardInterrupt:
        from scaffold.errors import CANCELLED, Cancelled

        print(f"flash-new: error: {CANCELLED}", file=sys.stderr)
        sys.exit(Cancelled.exit_code)


if __name__ == "__main__":
    main()
