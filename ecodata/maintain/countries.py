"""The `codes_country` code list, derived from pycountry rather than typed by hand (tests/test_project.py
holds resources/codes_country.csv to `country_rows`)."""

from __future__ import annotations

import gettext

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
