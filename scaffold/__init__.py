"""flash-new: add a complete, registered and tested task to a Lightning Flash codebase."""

__version__ = "0.2.0"
