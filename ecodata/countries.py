"""The `codes_country` code list, derived from pycountry rather than typed by hand."""

from __future__ import annotations

import csv
import gettext
from pathlib import Path

HEADER = ("code", "label_zh", "label_en")


def country_rows() -> list[tuple[str, str, str]]:
    """ISO 3166-1 alpha-3 code, Chinese (zh_CN) and English names, sorted by code."""
    import pycountry

    chinese = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    rows = []
    for country in pycountry.countries:
        english = getattr(country, "common_name", None) or country.name
        rows.append((country.alpha_3, chinese.gettext(country.name), english))
    return sorted(rows)


def write_country_codes(path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(country_rows())
