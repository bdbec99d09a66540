"""Errors a user can act on (a bad template, a missing font); the CLI prints them without a traceback."""


class UserError(Exception):
    """A problem the user can fix; ``str(error)`` says where, what and how to fix it."""
