"""Errors a user can act on (a bad template, a missing font); the CLI prints them without a traceback."""

from sqdocs.text.names import shell_word


class UserError(Exception):
    """A problem the user can fix; ``str(error)`` says where, what and how to fix it."""


class FolderAdvice(UserError):
    """A UserError whose advice names a command on the data folder, which the code raising it
    does not know: ``{folder}`` in ``template`` stands for it. ``str()`` says 「資料夾」;
    :meth:`in_folder` names the folder, for whoever knows it (a build job)."""

    def __init__(self, template: str):
        super().__init__(template.replace("{folder}", "資料夾"))
        self.template = template

    def in_folder(self, folder: str) -> str:
        """The advice on ``folder``, quoted as the command needs it (「我的 文件」 is two words to a shell)."""
        return self.template.replace("{folder}", shell_word(folder))


class Interrupted(KeyboardInterrupt):
    """The command was stopped by Ctrl-C (SIGINT) or SIGTERM, ``signum`` says which.

    A KeyboardInterrupt, so code that cleans up after Ctrl-C does so after SIGTERM as well.
    ``written``: how many files the build had finished, when a build was stopped.
    """

    def __init__(self, signum: int, written: int | None = None):
        super().__init__(signum, written)
        self.signum, self.written = signum, written
