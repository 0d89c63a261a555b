"""list-code-error: every item of a list field with an `x-itemReference` must be a key of the referenced list.

Table Schema foreign keys compare whole cells, so `JPN,KOR` cannot be checked against codes_country by them.
"""

NAME = "list-code-error"


def check(context):
    for resource in context.package.resources:
        for field in resource.get("schema", {}).get("fields", []):
            reference = field.get("x-itemReference")
            if field.get("type") != "list" or not isinstance(reference, dict):
                continue
            allowed = referenced_keys(context, reference)
            if allowed is None or not context.readable(resource):
                continue
            delimiter = field.get("delimiter", ",")
            for row in context.rows(resource):
                unknown = [
                    item for item in row[field["name"]].split(delimiter) if item and item not in allowed
                ]
                if unknown:
                    yield context.finding(
                        NAME,
                        resource,
                        row,
                        field["name"],
                        f"{', '.join(unknown)} not in {reference['resource']}.{reference['field']}; use a listed code",
                    )


def referenced_keys(context, reference):
    try:
        target = context.package.resource(reference["resource"])
    except KeyError:
        return None
    if not context.readable(target):
        return None
    return {row[reference["field"]] for row in context.rows(target)}
