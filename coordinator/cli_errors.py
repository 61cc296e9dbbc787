"""The one error type of the command line (its own module, so that ``python -m
coordinator.cli`` raises and catches the same class as the sub-command modules)."""


class UsageError(Exception):
    """A mistake on the command line or an unusable database: one line, exit status 2."""
