"""Tools for flash-new's maintainers, run from a checkout (``python -m maintainer.<tool>``); not in the wheel."""
