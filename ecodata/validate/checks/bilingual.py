"""bilingual: a `*_zh` cell filled and its `*_en` partner empty, or the reverse.

Settings: `pairs`, the two suffixes that pair fields (default `["_zh", "_en"]`). Vectorised.
"""

import numpy as np
import pyarrow.compute as pc

from ecodata.validate.settings import Rule

NAME = "bilingual"
TYPES = ("bilingual-missing",)
SETTINGS = {"pairs": ["_zh", "_en"]}
RULES = {
    "pairs": Rule(
        'two different suffixes, such as ["_zh", "_en"]',
        lambda pairs, _: len(pairs) == 2 and all(pairs) and pairs[0] != pairs[1],
    )
}


def filled(column) -> np.ndarray:
    return pc.fill_null(pc.not_equal(pc.utf8_trim_whitespace(column), ""), False).to_numpy(
        zero_copy_only=False
    )


def check(context, settings):
    first, second = settings["pairs"]
    for resource in context.resources_with(settings):
        names = [f["name"] for f in resource["schema"]["fields"]]
        pairs = [
            (name, name[: -len(first)] + second)
            for name in names
            if name.endswith(first) and name[: -len(first)] + second in names
        ]
        for numbers, texts in context.columns(resource) if pairs else []:
            found = []
            for one, other in pairs:
                one_filled, other_filled = filled(texts[one]), filled(texts[other])
                for index in np.flatnonzero(one_filled != other_filled):
                    empty, full = (other, one) if one_filled[index] else (one, other)
                    found.append((numbers[index], empty, full))
            for number, empty, full in sorted(found, key=lambda item: item[0]):
                yield context.cell_finding(
                    TYPES[0],
                    resource,
                    number,
                    empty,
                    "",
                    f"empty while {full} is filled; add the translation",
                )
