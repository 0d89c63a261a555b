"""What a table's pages show first, and how: read at build time from the descriptor and the checks it
declares, never from a table's or column's name — but one: a number column named as an identifier (`id`,
`UID`, `station_id`, `geonameid`) holds no figure (a descriptor has no word for it).

- the **subject** of a row: the first bilingual pair of plain text fields (the `bilingual` check's
  `pairs`), else the first plain text field;
- its **figures**: the number fields, each with the field holding its unit (`ecodata.unit_fields`, or the
  field's own `unit` property), the field holding the upper end of its range (`ecodata.ranges`: 3–4) and
  its qualifier (the `qualifier` check's `value` and `qualifier`);
- its **date**: the `date-after-source` check's `date` field, else the first date-typed field;
- its **evidence**: the quote and source fields of the `quote-in-source` check;
- each field's **label**: its `title`, else its name, with the Chinese phrase its description ends with.
- each **code's labels**, Chinese and English: a code list's `label_zh` and `label_en` (read when served),
  or a category's `label_zh` and `label`.

A package that declares none of these still gets an order (primary key, subject, figure and date — the
date first where the descriptor has it first, as a time series does — then the descriptor's) and labels;
its pages then show plain, formatted values.
"""

from __future__ import annotations

import re

from ..text import HAN

NUMERIC = ("number", "integer")
DATES = ("date", "datetime", "yearmonth", "year")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")


def chinese_label(description: str) -> str:
    """`Unit of value … (code list codes_unit). 单位。` → `单位`: the last sentence, when it is Chinese."""
    sentences = [part.strip() for part in SENTENCE_END.split(description or "") if part.strip()]
    last = sentences[-1] if sentences else ""
    return last.rstrip("。.") if HAN.match(last) else ""


def field_label(field: dict) -> dict:
    return {"title": field.get("title") or field["name"], "zh": chinese_label(field.get("description", ""))}


ID_NAME = re.compile(
    r"(?i:(^|[ _.-])(id|uid|fips|geonameid))$|[a-z]I[Dd]$"
)  # id, UID, station_id, geonameid, cityID


def names_an_id(name: str) -> bool:
    """Whether a number column's name says it holds identifiers, not figures: shown as written (84000053,
    not 84,000,053), never a row's leading figure."""
    return bool(ID_NAME.search(name))


def coded_fields(schema: dict) -> set[str]:
    """Fields whose cells are codes: single-field foreign keys, enums and categories."""
    coded = {key["fields"][0] for key in schema.get("foreignKeys", []) if len(key.get("fields", [])) == 1}
    for field in schema["fields"]:
        if (field.get("constraints") or {}).get("enum") or field.get("categories"):
            coded.add(field["name"])
    return coded


def settings_for(declared: dict[str, dict], check: str, resource: str) -> dict | None:
    settings = declared.get(check)
    if settings is None or (settings.get("resources") is not None and resource not in settings["resources"]):
        return None
    return settings


def page_plan(
    resource: dict,
    declared: dict[str, dict],
    evidence: dict | None,
    unit_fields: dict,
    ranges: dict | None = None,
) -> dict:
    """How `resource`'s table and row pages present it (see the module docstring)."""
    schema = resource["schema"]
    fields = {field["name"]: field for field in schema["fields"]}
    names = list(fields)
    key = [name for name in schema.get("primaryKey") or [] if name in fields]
    coded = coded_fields(schema)
    quote = evidence["quote"] if evidence and evidence["quote"] in fields else None
    source = evidence["source"] if evidence and quote and evidence["source"] in fields else None
    plain_text = [
        name
        for name in names
        if fields[name].get("type", "string") == "string"
        and name not in coded
        and name not in key
        and name != quote
        and not (fields[name].get("constraints") or {}).get("pattern")
    ]
    subject = subject_fields(plain_text, settings_for(declared, "bilingual", resource["name"]))
    numbers = {
        name: fields[name]["type"]
        for name in names
        if fields[name].get("type") in NUMERIC
        and name not in key
        and name not in coded
        and not names_an_id(name)
    }
    qualifier = settings_for(declared, "qualifier", resource["name"])
    qualified = (
        {qualifier["value"]: qualifier["qualifier"]}
        if qualifier and qualifier["value"] in numbers and qualifier["qualifier"] in fields
        else {}
    )
    figures = {
        name: {
            "unit": unit_fields.get(name) if unit_fields.get(name) in fields else None,
            "upper": (ranges or {}).get(name) if (ranges or {}).get(name) in numbers else None,
            "symbol": fields[name]["unit"] if isinstance(fields[name].get("unit"), str) else None,
            "qualifier": qualified.get(name),
        }
        for name in numbers
    }
    dated = settings_for(declared, "date-after-source", resource["name"])
    date = dated["date"] if dated and dated["date"] in fields else None
    date = date or next((name for name in names if fields[name].get("type") in DATES), None)
    values = settings_for(declared, "value-in-quote", resource["name"])
    lead = [name for name in (values or {}).get("values", []) if name in numbers][:1]
    if not lead and quote is None:
        lead = list(numbers)[:1]
    dated_first = bool(date and lead) and names.index(date) < names.index(lead[0])  # a time series
    first = unique([*key, *subject, *([date, *lead] if dated_first else [*lead, date]), source, quote])
    notes = [name for name in plain_text if name not in first]
    return {
        "order": unique([*first, *notes, *names]),
        "references": {
            name: target | {"resource": target["resource"] or resource["name"]}
            for name, target in references(schema).items()
        },
        "categories": {
            name: {str(c["value"]): category_labels(c) for c in field["categories"] if isinstance(c, dict)}
            for name, field in fields.items()
            if isinstance(field.get("categories"), list)
        },
        "key": key,
        "subject": subject,
        "figures": figures,
        "booleans": [name for name in names if fields[name].get("type") == "boolean"],
        "lead": lead[0] if lead else None,
        "date": date,
        "quote": quote,
        "source": source,
        "text": [name for name in plain_text if name not in subject],
        "labels": {name: field_label(field) for name, field in fields.items()},
    }


def category_labels(category: dict) -> dict:
    """A category's labels as a code list's: {"zh", "en"}; `label` is the English one, `label_zh` (the
    package's own property, beside Table Schema's `label`) the Chinese."""
    return {"zh": category.get("label_zh", ""), "en": category.get("label_en") or category.get("label", "")}


def references(schema: dict) -> dict[str, dict]:
    """Each field whose cells are codes of another resource (a single-field foreign key, or the list
    items' `x-itemReference`): that resource and field."""
    found = {
        key["fields"][0]: {
            "resource": key["reference"].get("resource") or "",
            "field": key["reference"]["fields"][0],
            "items": False,
        }
        for key in schema.get("foreignKeys", [])
        if len(key.get("fields", [])) == 1 and len(key.get("reference", {}).get("fields", [])) == 1
    }
    for field in schema["fields"]:
        reference = field.get("x-itemReference")
        if isinstance(reference, dict) and reference.get("resource") and reference.get("field"):
            found[field["name"]] = {
                "resource": reference["resource"],
                "field": reference["field"],
                "items": True,
            }
    return found


def subject_fields(plain_text: list[str], bilingual: dict | None) -> list[str]:
    """The first pair of plain text fields that differ only by the bilingual check's suffixes, else
    the first plain text field."""
    if bilingual and len(bilingual.get("pairs") or []) == 2:
        first, second = bilingual["pairs"]
        for name in plain_text:
            if name.endswith(first) and name[: -len(first)] + second in plain_text:
                return [name, name[: -len(first)] + second]
    return plain_text[:1]


def unique(names) -> list[str]:
    seen: list[str] = []
    for name in names:
        if name and name not in seen:
            seen.append(name)
    return seen


def page_plans(package, evidence: dict | None) -> dict[str, dict]:
    """Every table's plan, by name."""
    from ..package import PackageError
    from ..validate.plugins import declared_checks

    try:
        declared = {check.name: settings for check, settings in declared_checks(package)}
    except PackageError:
        declared = {}
    declaration = package.descriptor.get("ecodata") or {}
    unit_fields, ranges = declaration.get("unit_fields") or {}, declaration.get("ranges") or {}
    return {
        resource["name"]: page_plan(resource, declared, evidence, unit_fields, ranges)
        for resource in package.tables
    }
