"""A unit's subplan file (subplans/<unit>.yaml), and ``sqdocs subplan init`` and ``update``.

text.py writes it (the skeleton, or one filled from an earlier year or a form); merge.py puts the
bureau plan's later changes into a filled-in one by inserting lines only; files.py is the two
commands' file work (refusing to overwrite, backups, atomic writes).
"""
