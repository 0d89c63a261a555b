"""The maintainer's commands: `init` now; `diff`, `new-row` and `release-check` will move here.

A module here may import from the validate and build stages; nothing imports this folder except
the CLI, which registers each command (`cli.add_command(init_command)`).
"""
