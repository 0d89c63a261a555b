"""The maintainer's commands: `init` (a descriptor for a folder of CSV files, `infer.py` guesses the
schema), `diff` (two versions of a package, row by row), `new-row` (append a row checked against its
quote) and `release-check` (the data must not change without a version bump); `countries.py` makes the
country code list.

A module here may import from the validate and build stages and the top-level leaves; nothing imports
this folder except the CLI, which registers each command.
"""
