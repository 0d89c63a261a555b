"""cell-too-large: a cell longer than the limit (default 10 000 characters, `--max-cell-size`).

One finding per cell, never a crash or a hang: a 5 MB cell is reported, not processed further.
"""

NAME = "cell-too-large"


def check(context):
    for resource in context.package.resources:
        if not context.readable(resource):
            continue
        for row in context.rows(resource):
            for name, cell in row.cells.items():
                if len(cell) > context.max_cell_size:
                    yield context.finding(
                        NAME,
                        resource,
                        row,
                        name,
                        f"{len(cell):,} characters, over the {context.max_cell_size:,} limit; shorten it",
                    )
