"""Table pages people can read, from a table's page plan (display.py), its code lists' labels and its
sources' citations.

Cells: a figure with its qualifier in words, its unit and the source's 万/亿 reading; a quote clipped to
two lines with a short link to its highlighted passage; long text clipped, opened by a click. The table:
its columns in the plan's order, each with its role (for ecodata.css) and its label.
"""

from __future__ import annotations

import urllib.parse

from datasette.utils import to_css_class
from markupsafe import Markup

from ..build.sqlite import quoted
from ..text import english
from .figures import EXACT, chinese_reading, plain_number, qualifier_marker, unit_symbol

CLIP_CHARACTERS = 60  # longer text cells in a table are clipped to two lines, opened by a click
MAX_CODE_LIST = 10_000  # code lists with more rows are not held in memory; their cells show the code
TIGHT_UNITS = ("%", "‰", "°")  # written right after the number: 18%


def plain(cell):
    """A cell's value, also when Datasette has expanded a foreign key into {"value", "label"}."""
    return cell["value"] if isinstance(cell, dict) else cell


def cell_of(row, name: str | None):
    if not name:
        return None
    try:
        return plain(row[name])
    except (IndexError, KeyError):
        return None


def both_languages(labels: dict) -> str:
    """A code's labels as every page shows them: `国家级自然保护区 · national nature reserve`."""
    return " · ".join(filter(None, [labels.get("zh"), labels.get("en")]))


# Figures


def figure_parts(value, row, name: str, plan: dict, codes: dict) -> dict:
    """A number's parts as shown: qualifier words, number, unit, and the quote's 万/亿 reading."""
    figure = plan["figures"].get(name) or {}
    quote = cell_of(row, plan.get("quote"))
    parts: dict = {"number": plain_number(value), "value": value}
    upper = cell_of(row, figure.get("upper"))
    if isinstance(upper, int | float) and not isinstance(upper, bool):  # a range: 3–4, never 3 alone
        parts["number"] += "–" + plain_number(upper)
    qualifier = cell_of(row, figure.get("qualifier"))
    if qualifier and qualifier != EXACT:
        labels = codes.get(figure["qualifier"], {}).get(str(qualifier)) or {}
        english = labels.get("en") or str(qualifier).replace("_", " ")
        chinese = qualifier_marker(value, quote, qualifier) or labels.get("zh")
        parts["qualifier"] = {"code": qualifier, "text": " · ".join(filter(None, [english, chinese]))}
    code = cell_of(row, figure.get("unit")) if figure.get("unit") else figure.get("symbol")
    if code not in (None, ""):
        labels = codes.get(figure.get("unit"), {}).get(str(code)) or {}
        symbol = unit_symbol(str(code), labels)
        label = both_languages(labels) or str(code)
        parts["unit"] = {"code": code, "text": label if symbol is None else symbol, "title": label}
    parts["reading"] = chinese_reading(value, quote)
    if "–" in parts["number"]:  # both ends as the quote wrote them, or neither
        readings = [parts["reading"], chinese_reading(upper, quote)]
        parts["reading"] = "–".join(readings) if all(readings) else None
    return parts


def unit_after(parts: dict) -> str:
    """The unit as it follows the number: `%` right after it, any other unit after a space."""
    unit = parts.get("unit", {}).get("text") or ""
    return unit if unit in TIGHT_UNITS else f" {unit}" if unit else ""


def figure_text(parts: dict) -> str:
    text = " ".join(
        filter(
            None,
            [
                parts.get("qualifier", {}).get("text"),
                parts["number"] + unit_after(parts),
            ],
        )
    )
    return f"{text} ({parts['reading']})" if parts.get("reading") else text


def figure_html(parts: dict) -> Markup:
    html = Markup("")
    if parts.get("qualifier"):
        html += Markup('<span class="ecodata-qualifier" title="{}">{}</span> ').format(
            parts["qualifier"]["code"], parts["qualifier"]["text"]
        )
    html += Markup('<data class="ecodata-number" value="{}">{}</data>').format(
        parts["value"], parts["number"]
    )
    if parts.get("unit", {}).get("text"):
        html += Markup('{}<abbr class="ecodata-unit" title="{}">{}</abbr>').format(
            unit_after(parts)[: -len(parts["unit"]["text"])], parts["unit"]["title"], parts["unit"]["text"]
        )
    if parts.get("reading"):
        html += Markup(' <span class="ecodata-reading" lang="zh-Hans">{}</span>').format(parts["reading"])
    return Markup('<span class="ecodata-figure">{}</span>').format(html)


# Quotes and long text


def quote_html(quote: str, row_id, source: dict | None, chinese: bool = True) -> Markup:
    """A quote in a table: the quote, and a short link to it highlighted in the archived source (the
    source's label in the link's title; the row card shows the whole citation)."""
    text = Markup('<q lang="zh-Hans" class="evidence-quote">{}</q>').format(quote)
    if not source:
        return text
    link = f"{source['page']}#q-{row_id}" if row_id is not None else source["page"]
    words = ("原文 Source", "原文 · source ↗") if chinese else ("Source", "source ↗")
    return text + Markup(' <a class="evidence-source" href="{}" title="{}: {}">{}</a>').format(
        link, words[0], source["label"], words[1]
    )


def clipped_html(text: str, chinese: bool = True) -> Markup:
    """Long text in a table: two lines, the rest a click away (no script needed)."""
    words = "Click to read it all · 点击展开"
    words = words if chinese else english(words)
    return Markup('<details class="ecodata-more"><summary title="{}">{}</summary></details>').format(
        words, text
    )


BOOLEAN_WORDS = {1: "true", 0: "false"}  # SQLite holds a boolean as 1 or 0


def boolean_word(value, column: str, plan: dict) -> str | None:
    """`true` or `false` for a boolean field's 1 or 0 (SQLite has no boolean), else None."""
    if column in plan.get("booleans", ()) and type(value) is int:
        return BOOLEAN_WORDS.get(value)
    return None


def cell_html(
    row, value, column: str, plan: dict, codes: dict, sources: dict, chinese: bool = True
) -> Markup | None:
    """A table cell as our pages show it, or None to leave it to Datasette; its words in Chinese too
    when `chinese`."""
    if column == plan.get("quote") and isinstance(value, str) and value:
        source = sources.get(str(cell_of(row, plan.get("source"))))
        key = plan["key"]
        return quote_html(value, cell_of(row, key[0]) if len(key) == 1 else None, source, chinese)
    if column in plan["figures"] and isinstance(value, int | float) and not isinstance(value, bool):
        return figure_html(figure_parts(value, row, column, plan, codes))
    if word := boolean_word(value, column, plan):
        return Markup(word)
    if column in plan["categories"] and (
        label := both_languages(codes.get(column, {}).get(str(value)) or {})
    ):
        return code_html(label, value, chinese)
    if column in plan["text"] and isinstance(value, str) and len(value) > CLIP_CHARACTERS:
        return clipped_html(value, chinese)
    return None


def code_html(label: str, code, chinese: bool = True) -> Markup:
    """A category cell: its labels in both languages (clipped when long), else the code in the title."""
    if len(label) > CLIP_CHARACTERS:
        return clipped_html(label, chinese)
    return Markup('<span class="ecodata-code-label" title="{}">{}</span>').format(code, label)


# The table page


def roles(plan: dict) -> dict[str, str]:
    """Each column's role, for ecodata.css: the key columns first, then long text, then the rest."""
    found = dict.fromkeys(plan["key"], "key")
    found |= dict.fromkeys(plan["subject"], "subject")
    for role, name in (("figure", plan.get("lead")), ("date", plan.get("date"))):
        if name:
            found.setdefault(name, role)
    for role in ("source", "quote"):
        if plan.get(role):
            found.setdefault(plan[role], role)
    for name in plan["text"]:
        found.setdefault(name, "text")
    for name in plan["figures"]:
        found.setdefault(name, "number")
    return found


LINK = "Link"  # Datasette's first column, linking each row of a table without a single-column key


PHONE_FOLDED = ("other", "number")  # roles a phone's row card leaves to the row page (ecodata.css)


class TablePage:
    """What _table.html asks about a table's columns: their order, labels and roles."""

    def __init__(self, plan: dict, display_columns: list[dict], codes: dict, chinese: bool = True):
        self.plan = plan
        self.labels = plan["labels"]
        self.chinese = chinese  # the site's words in Chinese too: each header's Chinese label beside it
        # Datasette's link column leads, untyped (a data column called Link has its SQLite type)
        first = display_columns[0] if display_columns else {}
        self.linked = first.get("name") == LINK and not first.get("type")
        self.roles = roles(plan) | ({LINK: "key"} if self.linked else {})  # shown first, on a phone too
        self.codes = codes
        names = [column["name"] for column in display_columns]
        self.positions = self.shown(names)
        # a phone's card shows a row's key cells (ecodata.css): the others are counted, to say so
        self.folded_on_a_phone = sum(
            self.roles.get(names[index], "other") in PHONE_FOLDED for index in self.positions
        )

    def shown(self, names: list[str]) -> list[int]:
        """The positions of the columns shown, in the plan's order: Datasette's link to the row first, and
        without `rowid`, which a table with no key shows twice (as the link's text and as a column)."""
        rank = {name: index for index, name in enumerate(self.plan["order"])}
        linked = self.linked and names[:1] == [LINK]
        kept = [index for index, name in enumerate(names) if not (linked and name == "rowid")]
        return sorted(
            kept,
            key=lambda index: (-1 if linked and index == 0 else rank.get(names[index], len(rank)), index),
        )

    def rows(self, display_rows) -> list[list[tuple]]:
        """Each row's cells in the plan's order, with their td classes and small-screen labels, worked
        out here once per column rather than in the template once per cell."""
        if not display_rows:
            return []
        columns = [cell["column"] for cell in display_rows[0].cells]
        extra = [(f" ecodata-role-{self.roles.get(name, 'other')}", self.header(name)) for name in columns]
        order = self.shown(columns)
        return [
            [
                (
                    cell := row.cells[index],
                    f"col-{to_css_class(cell['column'])} type-{cell['value_type']}" + extra[index][0],
                    extra[index][1],
                )
                for index in order
            ]
            for row in display_rows
        ]

    def header(self, name: str) -> str:
        zh = self.labels.get(name, {}).get("zh") if self.chinese else None
        return f"{name} · {zh}" if zh else name

    def unit_choices(
        self, column: str, facet_results: dict | None, descending: bool = False
    ) -> list[dict] | None:
        """When `column` is a figure whose unit differs between the rows shown (its unit facet has two
        or more values), each unit with its count and a link that keeps to it and sorts by `column`:
        a sort across units would rank km² against counts. None when the rows share one unit."""
        unit = (self.plan["figures"].get(column) or {}).get("unit")
        facet = next((f for f in (facet_results or {}).values() if f.get("name") == unit), None)
        if not unit or not facet or len(facet.get("results", [])) < 2:
            return None
        units = []
        for result in facet["results"]:
            labels = self.codes.get(unit, {}).get(str(result["value"])) or {}
            units.append(
                {
                    "label": unit_symbol(str(result["value"]), labels)
                    or both_languages(labels)
                    or str(result["value"]),
                    "title": both_languages(labels),
                    "count": result["count"],
                    "url": sorted_by(result["toggle_url"], column, descending),
                }
            )
        return units

    def columns(self) -> list[dict]:
        """The column descriptions, folded above the table, in the table's order."""
        return [{"name": name, **self.labels[name]} for name in self.plan["order"] if name in self.labels]


def sorted_by(url: str, column: str, descending: bool = False) -> str:
    """`url` (its path and query) sorting by `column`, from its first page."""
    parts = urllib.parse.urlsplit(url)
    query = [
        (name, value)
        for name, value in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        if name not in ("_sort", "_sort_desc", "_next")
    ]
    query.append(("_sort_desc" if descending else "_sort", column))
    return urllib.parse.urlunsplit(("", "", parts.path, urllib.parse.urlencode(query), ""))


# Code lists


def code_labels(datasette, database: str, table: str) -> dict:
    """The labels `load_code_labels` holds for a table's code columns: {column: {code: labels}}."""
    return datasette.__dict__.get("ecodata_codes", {}).get((database, table), {})


async def load_code_labels(datasette) -> None:
    """The Chinese and English labels (and any `symbol`) of every code list a table refers to, and of its
    fields' categories, held once on `datasette.ecodata_codes`: figures show their unit and qualifier
    with them, facets, category cells and the row card every code's labels."""
    config = datasette.plugin_config("ecodata") or {}
    plans = config.get("pages", {})
    held: dict = {}
    lists: dict = {}
    for database in datasette.metadata().get("databases") or {}:
        if database not in datasette.databases:
            continue
        db = datasette.get_database(database)
        for table, plan in plans.items():
            for column, target in plan.get("references", {}).items():
                labels = plans.get(target["resource"], {}).get("labels", {})
                named = label_columns(datasette, database, target["resource"], labels)
                if named is None or target["field"] not in labels:
                    continue
                wanted = (database, target["resource"], target["field"])
                if wanted not in lists:
                    lists[wanted] = await code_list(db, target, "symbol" in labels, *named)
                if lists[wanted]:
                    held.setdefault((database, table), {})[column] = lists[wanted]
            for column, labels in plan.get("categories", {}).items():
                held.setdefault((database, table), {})[column] = labels
    datasette.ecodata_codes = held


def label_columns(datasette, database: str, table: str, labels: dict) -> tuple[str | None, str] | None:
    """The (Chinese, English) columns naming a code list's codes: `label_zh` and `label_en`, else the
    one column the build chose to name its rows (a `code,label` list: English alone); None if none."""
    if {"label_zh", "label_en"} <= set(labels):
        return "label_zh", "label_en"
    named = datasette.table_metadata(database, table).get("label_column")
    return (None, named) if named in labels else None


async def code_list(db, target: dict, has_symbol: bool, chinese: str | None, english: str) -> dict:
    symbol = ', "symbol"' if has_symbol else ""
    labels = f"{quoted(chinese) if chinese else 'NULL'}, {quoted(english)}"
    sql = (
        f"select {quoted(target['field'])}, {labels}{symbol} from {quoted(target['resource'])} "
        f"limit {MAX_CODE_LIST + 1}"
    )
    rows = (await db.execute(sql)).rows
    if len(rows) > MAX_CODE_LIST:
        return {}
    return {
        str(row[0]): {"zh": row[1] or "", "en": row[2] or ""}
        | ({"symbol": row[3] or ""} if has_symbol else {})
        for row in rows
    }
