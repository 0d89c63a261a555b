"""list-codes: every item of a list field with an `x-itemReference` must be a key of the referenced list.

Table Schema foreign keys compare whole cells, so `JPN,KOR` cannot be checked against a code list by
them. A field declares `"x-itemReference": {"resource": "codes_country", "field": "code"}`.
"""

import json

from ecodata.package import PackageError

NAME = "list-codes"
TYPES = ("list-code-error",)


def check(context, settings):
    for resource in context.resources_with(settings):
        lists = [
            field
            for field in resource["schema"]["fields"]
            if field.get("type") == "list" and isinstance(field.get("x-itemReference"), dict)
        ]
        for field in lists:
            reference = field["x-itemReference"]
            allowed = referenced_keys(
                context, reference, f'resource "{resource["name"]}", field "{field["name"]}"'
            )
            if allowed is None:
                continue
            delimiter = field.get("delimiter", ",")

            def unknown(cell, delimiter=delimiter, allowed=allowed) -> list[str]:
                return [item for item in (cell or "").split(delimiter) if item and item not in allowed]

            for row, (cell,), items in context.judged(resource, [field["name"]], unknown):
                yield context.cell_finding(
                    TYPES[0],
                    resource,
                    row,
                    field["name"],
                    cell,
                    f"{', '.join(items)} not in {reference['resource']}.{reference['field']}; use a listed code",
                )


def referenced_keys(context, reference, where: str):
    target = context.resource(reference.get("resource", ""))
    if target is None or not context.readable(target):
        return None
    if reference.get("field") not in [field["name"] for field in target["schema"]["fields"]]:
        raise PackageError(
            f'{where}: x-itemReference {json.dumps(reference, ensure_ascii=False)}: "field" must name a '
            f'field of resource "{target["name"]}"'
        )
    return {
        cell for _, columns in context.columns(target) for cell in columns[reference["field"]].to_pylist()
    }
