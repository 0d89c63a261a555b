"""unique-keys: a duplicate under a schema's `uniqueKeys` (frictionless 5 ignores them).

As in Table Schema v2, a key with any empty cell is not compared.
"""

NAME = "unique-keys"


def check(context):
    for resource in context.package.resources:
        keys = resource.get("schema", {}).get("uniqueKeys") or []
        if not keys or not context.readable(resource):
            continue
        for key in keys:
            key = [key] if isinstance(key, str) else key
            first_seen = {}
            for row in context.rows(resource):
                values = tuple(row[name] for name in key)
                if not all(values):
                    continue
                if values in first_seen:
                    yield context.finding(
                        NAME,
                        resource,
                        row,
                        key[0],
                        f"({', '.join(key)}) = ({', '.join(values)}) repeats row {first_seen[values]}; make it unique",
                    )
                else:
                    first_seen[values] = row.number
