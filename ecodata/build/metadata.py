"""Datasette's metadata.json, generated from datapackage.json and the package's `datasette/` folder.

Nothing here is written twice by hand: titles, descriptions, licence, column descriptions, sort orders,
facets and label columns come from the descriptor; canned queries are the `datasette/queries/*.sql`
files next to it (a `-- title:` / `-- description:` header, then the SQL); dashboards are
`datasette/dashboards.json` in datasette-dashboards' own format.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..package import Package, PackageError
from .display import page_plans
from .search import HAN, fts_table_name, names_a_row, searchable_columns

LABEL_BASES = ("label", "title", "name")  # a row's name, in <base>_zh and <base>_en
QUERY_HEADER = re.compile(r"^--\s*(\w+):\s*(.*)$")
MAGIC_PARAMETER = re.compile(r":_\w")
LABEL_COLUMN = "label"  # generated in SQLite from label_zh and label_en, so links show both languages
SOURCE_PAGES = "/sources"
NARROW_CHART = 500  # px: a dashboard card narrower than this (a phone) gets charts laid out for it


def interface_languages(package: Package) -> list[str]:
    """The web UI's languages: the declared `ecodata.languages`, else English, with Chinese beside it
    when the package describes itself in Chinese too (a Chinese character in a title or description of
    the package, a resource or a field). An English package's pages are then in English alone."""
    declared = (package.descriptor.get("ecodata") or {}).get("languages")
    if declared:
        return declared
    described = [package.descriptor, *package.descriptor.get("resources", [])]
    described += [field for resource in package.tables for field in resource["schema"]["fields"]]
    texts = (
        part.get(key) for part in described if isinstance(part, dict) for key in ("title", "description")
    )
    chinese = any(isinstance(text, str) and HAN.search(text) for text in texts)
    return ["en", "zh-Hans"] if chinese else ["en"]


def label_field(resource: dict) -> str | None:
    """The field that names a row where a link or a facet points at it, beyond what Datasette finds
    itself (a `name` or `title` column, or the one beside an `id`): a `label` field, else the only text
    field beside a one-field primary key (a code list of `code,label`, a list of `iso3,country`)."""
    schema = resource["schema"]
    if any(field["name"].lower() in ("name", "title") for field in schema["fields"]):
        return None  # Datasette's own choice
    texts = [field["name"] for field in schema["fields"] if names_a_row(field)]
    labelled = [name for name in texts if name.lower() == "label"]
    key = schema.get("primaryKey") or []
    others = [name for name in texts if name not in key]
    if labelled:
        return labelled[0]
    return others[0] if len(key) == 1 and len(others) == 1 and len(schema["fields"]) == 2 else None


def datasette_folder(package: Package) -> Path:
    return package.root / "datasette"


def bilingual_label(resource: dict) -> tuple[str, str] | None:
    """The (Chinese, English) fields that name a row, e.g. label_zh and label_en or title_zh and
    title_en: a generated `label` joins them, so a link or facet to the row shows both."""
    names = {field["name"] for field in resource["schema"]["fields"]}
    if any(name.lower() == "label" for name in names):  # SQLite: a column of that name is there already
        return None
    for base in LABEL_BASES:
        if {f"{base}_zh", f"{base}_en"} <= names:
            return f"{base}_zh", f"{base}_en"
    return None


def facets(resource: dict) -> list:
    """Every code column: a foreign key outside the primary key (its facet shows the linked row's
    label), a field an `enum` or `categories` restricts, and a list whose items reference a code list."""
    schema = resource["schema"]
    own_key = set(schema.get("primaryKey") or [])
    linked = {name for key in schema.get("foreignKeys", []) for name in key["fields"]} - own_key
    chosen: list = [
        field["name"]
        for field in schema["fields"]
        if field["name"] in linked or "categories" in field or "enum" in (field.get("constraints") or {})
    ]
    chosen += [{"array": field["name"]} for field in schema["fields"] if field.get("x-itemReference")]
    return chosen


def table_metadata(resource: dict, tables: list[dict]) -> dict:
    fields = resource["schema"]["fields"]
    primary_key = resource["schema"].get("primaryKey") or []
    table = {
        "title": resource.get("title", resource["name"]),
        "description": resource.get("description", ""),
        "columns": {field["name"]: field["description"] for field in fields if field.get("description")},
    }
    units = {field["name"]: field["unit"] for field in fields if isinstance(field.get("unit"), str)}
    if units:
        table["units"] = units  # a field's own `unit` property; per-row units stay in their column
    if primary_key:
        table["sort"] = primary_key[0]
    if bilingual_label(resource):
        table["label_column"] = LABEL_COLUMN
        table["columns"][LABEL_COLUMN] = "Chinese and English label, generated. 中英文名称（生成列）。"
    elif named_by := label_field(resource):
        table["label_column"] = named_by
    if chosen := facets(resource):
        table["facets"] = chosen
    if searchable_columns(resource, tables):
        table["fts_table"] = fts_table_name(resource["name"])
        table["fts_pk"] = "rowid"
    return table


def read_query(path: Path) -> dict:
    """A canned query file: `-- title: …` and `-- description: …` header lines, then the SQL."""
    text = path.read_text(encoding="utf-8")
    query: dict = {}
    lines = text.splitlines()
    while lines and (header := QUERY_HEADER.match(lines[0])):
        query[header.group(1)] = header.group(2).strip()
        lines.pop(0)
    query["sql"] = "\n".join(lines).strip()
    query["hide_sql"] = True  # the answer first; "Show SQL" opens the query
    if not query["sql"]:
        raise PackageError(f"{path.name}: canned query has no SQL")
    if MAGIC_PARAMETER.search(query["sql"]):
        # :_now_…, :_header_… differ per request; the response cache would replay one user's answer to all
        raise PackageError(f"{path.name}: Datasette magic parameters (:_…) are not allowed in canned queries")
    return query


def canned_queries(package: Package) -> dict:
    folder = datasette_folder(package) / "queries"
    return {path.stem: read_query(path) for path in sorted(folder.glob("*.sql"))} if folder.is_dir() else {}


def dashboards(package: Package) -> dict:
    """datasette-dashboards configuration, with each chart's `db` defaulting to this package's database."""
    path = datasette_folder(package) / "dashboards.json"
    if not path.exists():
        return {}
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PackageError(f"{path.name}: not valid JSON ({error})") from None
    for dashboard in config.values():
        for chart in dashboard.get("charts", {}).values():
            chart.setdefault("db", package.name)
            if chart.get("library") == "vega-lite" and isinstance(chart.get("display"), dict):
                fit_narrow_screens(chart["display"])
    return config


def two_lines(text: str, pattern: str) -> str:
    """A Vega expression: `text` broken after each match of `pattern` ($1 a line), two lines at most,
    with … when there was more."""
    broken = f"trim(replace({text}, regexp('{pattern}', 'g'), '$1\\n'))"
    lines = f"split({broken}, '\\n')"
    return f"(length({lines}) > 2 ? {lines}[0] + '\\n' + {lines}[1] + '…' : {broken})"


def wrapped(text: str) -> str:
    """A Vega expression: one language of a label on at most two lines, Chinese every 11 characters,
    any other script between words (22 characters a line), whichever side of the ` · ` it is on."""
    chinese = f"test(regexp('[\\u3400-\\u9fff]'), {text})"
    return f"({chinese} ? {two_lines(text, '(.{11})(?=.)')} : {two_lines(text, '(.{1,22})(?: +|$)')})"


def fit_narrow_screens(display: dict) -> None:
    """A bar chart read on a phone: the whole chart (labels too) as wide as its card, and below
    NARROW_CHART px each bilingual `中文 · English` label (axis and legend) on at most two lines per
    language, smaller, beside bars with fewer ticks. The wider layout is the spec's own."""
    display.setdefault("autosize", {"type": "fit-x", "contains": "padding"})
    encoding = display.get("encoding") or {}
    narrow = f"containerSize()[0] < {NARROW_CHART}"
    padding = display.get("padding")
    if isinstance(padding, dict) and padding.get("right", 0) > 40:  # room for the values after the bars
        phone = ", ".join(f"{side}: {size}" for side, size in (padding | {"right": 40}).items())
        wide = ", ".join(f"{side}: {size}" for side, size in padding.items())
        display["padding"] = {"expr": f"{narrow} ? {{{phone}}} : {{{wide}}}"}
    first, second = (wrapped(f"split(datum.label, ' · ')[{index}]") for index in (0, 1))
    for labelled, width in (
        ((encoding.get("y") or {}).get("axis"), 120),
        ((encoding.get("color") or {}).get("legend"), 240),
    ):
        if isinstance(labelled, dict) and "labelExpr" in labelled:
            labelled["labelExpr"] = (
                f"{narrow} ? split({first} + '\\n' + {second}, '\\n') : {labelled['labelExpr']}"
            )
            labelled["labelLimit"] = {"expr": f"{narrow} ? {width} : {labelled.get('labelLimit', 180)}"}
            labelled["labelFontSize"] = {"expr": f"{narrow} ? 10 : 11"}
            labelled["labelLineHeight"] = {"expr": f"{narrow} ? 10 : {labelled.get('labelLineHeight', 13)}"}
    ticks = (encoding.get("x") or {}).get("axis")
    if isinstance(ticks, dict):
        ticks["tickCount"] = {"expr": f"{narrow} ? 2 : 8"}
        ticks.setdefault("labelSeparation", 6)  # labelOverlap drops a tick label closer than this


def source_citations(sources: list[dict], evidence: dict) -> dict:
    """What a quote cites: the source's label (titles, publisher, date), its highlighted page, and for
    the row card its titles, publisher, date, checksum, address and how to cite it."""
    from .source_pages import cell, page_name, source_label

    return {
        str(source[evidence["id"]]): {
            "label": source_label(source),
            "page": f"{SOURCE_PAGES}/{page_name(source[evidence['file']])}",
            "title": cell(source, "title_zh", "title"),
            "title_en": cell(source, "title_en"),
            "publisher": " · ".join(
                filter(None, [cell(source, "publisher_zh", "publisher"), cell(source, "publisher_en")])
            ),
            "date": cell(source, "date_published", "date"),
            "sha256": cell(source, evidence.get("sha256") or "sha256"),
            "url": cell(source, "url", "path"),
            "citation": cell(source, "citation"),
        }
        for source in sources
        if source.get(evidence["file"])
    }


AUTHOR_ROLES = {"creator", "author"}  # a contributor who made the data: v2's word, and v1's


def one_web_address(paths: list) -> str:
    """The one web address among `paths` (a descriptor's sources', or its homepage): what Datasette links
    a name to; "" where there are several, or none."""
    addresses = [path for path in paths if str(path or "").startswith(("https://", "http://"))]
    return addresses[0] if len(addresses) == 1 else ""


def dataset_facts(package: Package) -> dict:
    """What the home page's schema.org Dataset says beyond title, description and licence; its
    temporal coverage comes from the field the date-after-source check reads, when declared."""
    from ..package import PackageError
    from ..validate.plugins import declared_checks

    descriptor = package.descriptor
    keywords = descriptor.get("keywords")
    try:
        declared = {check.name: settings for check, settings in declared_checks(package)}
    except PackageError:
        declared = {}
    return {
        "date_field": declared.get("date-after-source", {}).get("date"),
        "keywords": keywords if isinstance(keywords, list) else [],
        "creators": [
            person.get("title", "")
            for person in descriptor.get("contributors") or []
            if isinstance(person, dict) and AUTHOR_ROLES & set(person.get("roles") or [person.get("role")])
        ],
        "created": descriptor.get("created", ""),
        "sources": [
            source.get("title", "") for source in descriptor.get("sources") or [] if isinstance(source, dict)
        ],
    }


def datasette_metadata(
    package: Package, sources: list[dict] | None = None, evidence: dict | None = None
) -> dict:
    """`sources` and `evidence` (see validate.context.evidence_of) only for a package that cites sources."""
    descriptor = package.descriptor
    licence = (descriptor.get("licenses") or [{}])[0]
    descriptor_sources = [source for source in descriptor.get("sources") or [] if isinstance(source, dict)]
    plugins: dict = {
        "ecodata": {
            "version": package.version,
            "tables": [
                resource["name"] for resource in package.tables
            ],  # descriptor order, for the home page
            "sources": source_citations(sources or [], evidence) if evidence else {},
            "evidence": {"quote": evidence["quote"], "source": evidence["source"]} if evidence else None,
            "pages": page_plans(package, evidence),  # what table and row pages show first, and how
            "search_examples": (descriptor.get("ecodata") or {}).get("search_examples", []),
            "headlines": (descriptor.get("ecodata") or {}).get("headlines", []),
            "languages": interface_languages(package),
            "dataset": dataset_facts(package),
            "referenced_tables": sorted(
                {
                    key["reference"]["resource"]
                    for resource in package.tables
                    for key in resource["schema"].get("foreignKeys", [])
                    if key["reference"]["resource"] not in ("", resource["name"])
                }
                | {
                    field["x-itemReference"]["resource"]
                    for resource in package.tables
                    for field in resource["schema"]["fields"]
                    if isinstance(field.get("x-itemReference"), dict)
                }
            ),
        },
        # the pages may be indexed, not their countless query-string variants (or SQL)
        "datasette-block-robots": {"disallow": ["/*?sql=", "/*?_"]},
    }
    if configured := dashboards(package):
        plugins["datasette-dashboards"] = configured
    return {
        "title": descriptor.get("title", package.name),
        "description": descriptor.get("description", ""),
        "license": licence.get("name", "") or licence.get("title", ""),
        "license_url": licence.get("path", ""),
        "source": "; ".join(source.get("title", "") for source in descriptor_sources),
        "source_url": f"{SOURCE_PAGES}/index.html"
        if sources
        else one_web_address([source.get("path") for source in descriptor_sources]),
        "about": f"{package.name} {package.version}".strip(),
        "about_url": one_web_address([descriptor.get("homepage")]),
        "databases": {
            package.name: {
                "title": descriptor.get("title", package.name),
                "description": descriptor.get("description", ""),
                "tables": {
                    resource["name"]: table_metadata(resource, package.tables) for resource in package.tables
                },
                "queries": canned_queries(package),
            }
        },
        "plugins": plugins,
    }
