"""list-codes: every item of a list field with an `x-itemReference` must be a key of the referenced list.

Table Schema foreign keys compare whole cells, so `JPN,KOR` cannot be checked against a code list by
them. A field declares `"x-itemReference": {"resource": "codes_country", "field": "code"}`.
"""

NAME = "list-codes"
TYPES = ("list-code-error",)


def check(context, settings):
    for resource in context.resources_with(settings):
        for field in resource["schema"]["fields"]:
            reference = field.get("x-itemReference")
            if field.get("type") != "list" or not isinstance(reference, dict):
                continue
            allowed = referenced_keys(context, reference)
            if allowed is None:
                continue
            delimiter = field.get("delimiter", ",")
            for row in context.rows(resource):
                unknown = [
                    item for item in row[field["name"]].split(delimiter) if item and item not in allowed
                ]
                if unknown:
                    yield context.finding(
                        TYPES[0],
                        resource,
                        row,
                        field["name"],
                        f"{', '.join(unknown)} not in {reference['resource']}.{reference['field']}; use a listed code",
                    )


def referenced_keys(context, reference):
    target = context.resource(reference.get("resource", ""))
    if target is None or not context.readable(target):
        return None
    return {row[reference["field"]] for row in context.rows(target)}
