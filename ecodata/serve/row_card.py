"""The row page as an evidence card: a headline that reads like the statement, the whole quote with its
source's citation and a link to the highlighted passage, every field with its label and its code's
labels, and the row cited (APA-like and BibTeX), from the table's page plan (display.py)."""

from __future__ import annotations

import hashlib
import re

from markupsafe import Markup, escape

from ..build.sqlite import quoted
from ..text import HAN
from .pages import (
    boolean_word,
    both_languages,
    cell_of,
    code_labels,
    figure_html,
    figure_parts,
    figure_text,
)


def latin_first(values: list[str]) -> list[str]:
    """`国家级自然保护区`, `National nature reserves` → English first, as the site's titles are."""
    return sorted(values, key=lambda text: bool(HAN.search(text)))


def headline(row, plan: dict, codes: dict) -> dict:
    """`National nature reserves · 国家级自然保护区: 474 (2018-12-31)`, as text and as HTML."""
    subject = [str(cell_of(row, name)) for name in plan["subject"] if cell_of(row, name) not in (None, "")]
    subject_text = " · ".join(latin_first(subject)) or ", ".join(str(cell_of(row, k)) for k in plan["key"])
    lead = plan.get("lead")
    value = cell_of(row, lead)
    parts = figure_parts(value, row, lead, plan, codes) if isinstance(value, int | float) else None
    date = cell_of(row, plan.get("date"))
    text, html = subject_text, Markup('<span class="ecodata-subject">{}</span>').format(subject_text)
    if parts:
        text += ": " + figure_text(parts)
        html += Markup(": ") + figure_html(parts)
    if date not in (None, ""):
        text += f" ({date})"
        html += Markup(' <span class="ecodata-date">({})</span>').format(date)
    return {"text": text, "html": html}


def field_value_html(row, name: str, plan: dict, codes: dict, links: dict) -> Markup:
    value = cell_of(row, name)
    if value in (None, ""):
        return Markup('<span class="ecodata-empty">—</span>')
    if name in plan["figures"] and isinstance(value, int | float):
        return figure_html(figure_parts(value, row, name, plan, codes))
    if word := boolean_word(value, name, plan):
        return Markup(word)
    labels = codes.get(name, {}).get(str(value))
    if labels:
        shown = Markup('{} <code class="ecodata-code">{}</code>').format(both_languages(labels), value)
        return Markup('<a href="{}">{}</a>').format(links[name], shown) if name in links else shown
    if plan["references"].get(name, {}).get("items") and isinstance(value, str):
        items = [item.strip() for item in value.strip("[]").replace('"', "").split(",") if item.strip()]
        known = codes.get(name, {})
        return Markup(", ").join(
            Markup('{} <code class="ecodata-code">{}</code>').format(
                both_languages(known[item]),
                item,
            )
            if item in known
            else Markup("<code>{}</code>").format(item)
            for item in items
        )
    if name in links:
        return Markup('<a href="{}">{}</a>').format(links[name], value)
    return Markup(escape(value))


def card_fields(row, plan: dict, codes: dict, links: dict) -> list[dict]:
    """Every field but the quote (shown whole beside them), in the table's order, with its labels."""
    shown = [name for name in plan["order"] if name in plan["labels"] and name != plan.get("quote")]
    notes = [name for name in shown if name in plan["text"] and name not in plan["subject"]]
    return [
        {
            "name": name,
            "title": plan["labels"][name]["title"],
            "zh": plan["labels"][name]["zh"],
            "html": field_value_html(row, name, plan, codes, links),
        }
        for name in [*[name for name in shown if name not in notes], *notes]
    ]


BIBTEX_SPECIAL = re.compile(r"([\\{}%&$#_^~])")


def bibtex_text(text: str) -> str:
    return BIBTEX_SPECIAL.sub(lambda match: "\\" + match[1] if match[1] not in "\\^~" else " ", str(text))


def bibtex_key(table: str, row_id: str) -> str:
    """`table:row` in the ASCII letters, digits and `:_-` BibTeX takes in a key; where the row's address
    has other characters (中国, Côte d'Ivoire), a digest of it keeps each row's key its own."""
    address = f"{table}:{row_id}"
    plain = re.sub(r"[^A-Za-z0-9:_-]+", "-", address)
    if plain == address:
        return plain
    base = plain.rstrip("-")
    return f"{base}{'' if base.endswith(':') else '-'}{hashlib.sha256(address.encode()).hexdigest()[:8]}"


def citations(
    title: str, row_id: str, table: str, url: str, dataset: dict, quote: str | None, source: dict | None
) -> dict:
    """`Cite this row`: APA-like text and a BibTeX entry; the quote and its source go in the note."""
    creators = ", ".join(dataset.get("creators") or []) or dataset.get("title", "")
    year = (dataset.get("created") or "")[:4] or "n.d."
    version = dataset.get("version") or ""
    where = dataset.get("title", "")
    version_text = f" (Version {version})" if version else ""
    source_text = (source or {}).get("citation") or (source or {}).get("label") or ""
    apa = f"{creators}. ({year}). {title} [Data row {table}/{row_id}]. In {where}{version_text} [Data set]. {url}"
    if source_text:
        apa += f" Source: {source_text.rstrip('.')}."
    key = bibtex_key(table, row_id)
    note = "; ".join(
        filter(None, [f"Quote: {quote}" if quote else "", f"Source: {source_text}" if source_text else ""])
    )
    entries = [
        ("author", f"{{{bibtex_text(creators)}}}"),
        ("title", f"{{{bibtex_text(title)}}}"),
        ("year", year),
        ("version", bibtex_text(version)),
        ("howpublished", f"{bibtex_text(where)}, table {bibtex_text(table)}, row {bibtex_text(row_id)}"),
        ("url", url),
        ("note", bibtex_text(note)),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in entries if value)
    return {"apa": apa, "bibtex": f"@misc{{{key},\n{body}\n}}"}


def row_card(row: dict, plan: dict, codes: dict, context: dict) -> dict:
    """Everything row.html shows. `row`: the row's values by column; `context`: the table's title and
    column descriptions, the row's links (`row_url`, `absolute_url`, `links` of its code fields),
    the package's sources and dataset facts (`sources`, `dataset`)."""
    key = plan["key"]
    row_id = ",".join(str(row.get(name)) for name in key) if key else context.get("row_id", "")
    title = headline(row, plan, codes)
    quote = row.get(plan["quote"]) if plan.get("quote") else None
    source = context["sources"].get(str(row.get(plan["source"]))) if plan.get("source") else None
    fields = card_fields(row, plan, codes, context.get("links", {}))
    for field in fields:
        field["description"] = context.get("descriptions", {}).get(field["name"], "")
    passage = None
    if source:
        passage = f"{source['page']}#q-{row_id}" if len(key) == 1 else source["page"]
    return {
        "headline": title,
        "row_id": row_id,
        "table_title": context.get("table_title", ""),
        "quote": quote,
        "source": source,
        "passage_url": passage,
        "fields": fields,
        "json_url": context["row_url"] + ".json",
        "csv_url": context["row_url"] + ".csv",
        "cite": citations(
            title["text"],
            row_id,
            context.get("table", ""),
            context.get("absolute_url", context["row_url"]),
            context.get("dataset", {}),
            quote,
            source,
        ),
    }


async def card_for(datasette, request, database: str, table: str, plan: dict, config: dict) -> dict | None:
    """The row card of the row this request names (row_card), or None when there is no such row."""
    from datasette.utils import tilde_encode, urlsafe_components

    db = datasette.get_database(database)
    keys = await db.primary_keys(table)
    values = urlsafe_components(request.url_vars["pks"])
    if not keys or len(keys) != len(values):
        return None
    where = " and ".join(f"{quoted(key)} = :p{index}" for index, key in enumerate(keys))
    rows = (
        await db.execute(
            f"select * from {quoted(table)} where {where}", {f"p{i}": value for i, value in enumerate(values)}
        )
    ).rows
    if not rows:
        return None
    row = dict(rows[0])
    metadata = datasette.metadata() or {}
    table_metadata = datasette.table_metadata(database, table)
    row_path = datasette.urls.row(database, table, ",".join(tilde_encode(str(value)) for value in values))
    links = {
        name: datasette.urls.row(database, target["resource"], tilde_encode(str(row[name])))
        for name, target in plan.get("references", {}).items()
        if not target.get("items") and row.get(name) not in (None, "")
    }
    context = {
        "table": table,
        "table_title": table_metadata.get("title", table),
        "descriptions": table_metadata.get("columns", {}),
        "row_url": str(row_path),
        "absolute_url": datasette.absolute_url(request, str(row_path)),
        "links": links,
        "sources": config.get("sources", {}),
        "dataset": {
            "title": metadata.get("title", ""),
            "version": config.get("version", ""),
            **config.get("dataset", {}),
        },
    }
    codes = code_labels(datasette, database, table)
    return row_card(row, plan, codes, context)
