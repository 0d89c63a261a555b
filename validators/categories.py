"""category-error: a value outside its field's `categories` (Table Schema v2; frictionless 5 ignores them)."""

NAME = "category-error"


def allowed_values(field):
    return {c["value"] if isinstance(c, dict) else c for c in field["categories"]}


def check(context):
    for resource in context.package.resources:
        fields = [
            f for f in resource.get("schema", {}).get("fields", []) if isinstance(f.get("categories"), list)
        ]
        if not fields or not context.readable(resource):
            continue
        for field in fields:
            allowed = {str(value) for value in allowed_values(field)}
            for row in context.rows(resource):
                cell = row[field["name"]]
                if cell and cell not in allowed:
                    yield context.finding(
                        NAME,
                        resource,
                        row,
                        field["name"],
                        f"{cell!r} is not one of its categories ({', '.join(sorted(allowed))})",
                    )
