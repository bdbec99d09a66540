"""The exit codes of ``sqdocs`` (imported in an instant, before anything else of the command)."""

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # 128 + SIGINT, 128 + SIGTERM: what a shell reports for either
EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug in sqdocs, not the user's input
EXIT_BROKEN_PIPE = 141
"""128 + SIGPIPE (13): as shells report a command whose reader went away (Windows has no SIGPIPE)."""
