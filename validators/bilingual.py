"""bilingual-missing: a `*_zh` cell filled and its `*_en` partner empty, or the reverse."""

NAME = "bilingual-missing"


def check(context):
    for resource in context.package.resources:
        names = [f["name"] for f in resource.get("schema", {}).get("fields", [])]
        pairs = [
            (name, name[:-3] + "_en") for name in names if name.endswith("_zh") and name[:-3] + "_en" in names
        ]
        if not pairs or not context.readable(resource):
            continue
        for row in context.rows(resource):
            for chinese, english in pairs:
                if bool(row[chinese].strip()) != bool(row[english].strip()):
                    empty, filled = (english, chinese) if row[chinese].strip() else (chinese, english)
                    yield context.finding(
                        NAME, resource, row, empty, f"empty while {filled} is filled; add the translation"
                    )
