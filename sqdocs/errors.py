"""Errors a user can act on (a bad template, a missing font); the CLI prints them without a traceback."""


class UserError(Exception):
    """A problem the user can fix; ``str(error)`` says where, what and how to fix it."""


class Interrupted(KeyboardInterrupt):
    """The command was stopped by Ctrl-C (SIGINT) or SIGTERM, ``signum`` says which.

    A KeyboardInterrupt, so code that cleans up after Ctrl-C does so after SIGTERM as well.
    ``written``: how many files the build had finished, when a build was stopped.
    """

    def __init__(self, signum: int, written: int | None = None):
        super().__init__(signum, written)
        self.signum, self.written = signum, written
