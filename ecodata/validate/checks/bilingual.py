"""bilingual: a `*_zh` cell filled and its `*_en` partner empty, or the reverse.

Settings: `pairs`, the two suffixes that pair fields (default `["_zh", "_en"]`).
"""

NAME = "bilingual"
TYPES = ("bilingual-missing",)
SETTINGS = {"pairs": ["_zh", "_en"]}


def check(context, settings):
    first, second = settings["pairs"]
    for resource in context.resources_with(settings):
        names = [f["name"] for f in resource["schema"]["fields"]]
        pairs = [
            (name, name[: -len(first)] + second)
            for name in names
            if name.endswith(first) and name[: -len(first)] + second in names
        ]
        for row in context.rows(resource) if pairs else []:
            for one, other in pairs:
                if bool(row[one].strip()) != bool(row[other].strip()):
                    empty, filled = (other, one) if row[one].strip() else (one, other)
                    yield context.finding(
                        TYPES[0], resource, row, empty, f"empty while {filled} is filled; add the translation"
                    )
