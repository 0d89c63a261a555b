"""Datasette hooks registered by `ecodata serve`: the SQLite length limit, quotes that cite their source,
and the template variables of the bilingual home and database pages.

Configuration comes from the `ecodata` plugin section of the generated metadata (see build/metadata.py and
app.py), so the hooks hold no state of their own.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import sqlite3
import weakref

from markupsafe import Markup

from datasette import hookimpl

from ..build.search import WORD
from ..build.sqlite import quoted
from ..text import english
from .app import STATIC, STATIC_URL
from .asgi import ASKED_PATH
from .asgi import MAX_RESPONSE_BYTES as MAX_ANSWER_BYTES  # text and blobs one query may return
from .figures import GROUP_FROM, plain_number
from .findable import (
    dataset_json_ld,
    each_table,
    package_tables,
    page_description,
    script_json,
    sitemap_paths,
    temporal_coverage,
)
from .pages import TablePage, boolean_word, both_languages, cell_html, code_labels, load_code_labels
from .row_card import card_for
from .words import both, column_menu_script, description_zh, unchanged

LOG = logging.getLogger("ecodata.serve")
# The longest string or blob SQLite may build; our cells are at most 10 000 characters.
MAX_VALUE_BYTES = 10_000_000


@hookimpl
def prepare_connection(conn):
    """`select hex(randomblob(400000000))` fails at once instead of allocating gigabytes past the time
    limit; nothing can be attached; and no query reads the database's absolute path on the server."""
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    conn.set_authorizer(no_database_list)
    conn.row_factory = BoundedRows()


class BoundedRows:
    """Datasette's sqlite3.Row, counting the bytes of text and blobs each query returns: past
    MAX_ANSWER_BYTES the query fails (a 400 that says so) before its rows fill the server's memory.

    `select zeroblob(1000000) from t` over 100 rows would otherwise build a 300 MB JSON answer
    that the response bound then refuses, the server keeping gigabytes after it."""

    def __init__(self):
        self.returned: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # cursor → bytes so far

    def __call__(self, cursor, values):
        size = self.returned.get(cursor, 0)
        for value in values:
            if isinstance(value, str | bytes):
                size += len(value)
        if size > MAX_ANSWER_BYTES:
            raise sqlite3.DataError(
                f"the answer is larger than {MAX_ANSWER_BYTES // 1_000_000} MB; ask for fewer rows or columns"
            )
        self.returned[cursor] = size
        return sqlite3.Row(cursor, values)


def no_database_list(action, first, *_):
    """`pragma_database_list` (and PRAGMA database_list) would show where the server keeps its files."""
    if action == sqlite3.SQLITE_PRAGMA and (first or "").lower() == "database_list":
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


# Datasette's 500s for a table URL the client got wrong (views/table.py): said 400 instead
CLIENT_SORT_ERRORS = ("Cannot sort table by", "Cannot use _sort and _sort_desc at the same time")


@hookimpl
def handle_exception(datasette, request, exception):
    """One log line per error, and a sort by a column that does not exist, or by two at once, is the
    client's error (400).

    Datasette then renders the error page as usual; app.py keeps it from printing a rich traceback
    with every local variable (0.2-1 s of the event loop per error page)."""
    from datasette.views.base import DatasetteError

    from datasette import NotFound

    if isinstance(exception, DatasetteError) and str(exception.message).startswith(CLIENT_SORT_ERRORS):
        exception.status = 400
    asked = request.scope.get(ASKED_PATH, request.path)  # not NOT_FOUND, which a refused path is turned to
    LOG.warning("%s %s: %s: %s", request.method, asked, type(exception).__name__, one_line(exception))
    if isinstance(exception, NotFound) and not request.path.endswith(".json"):
        return not_found_page(datasette, request, exception)
    return None


@hookimpl
def filters_from_request(request, database, table, datasette):
    """`_search` on a table with no text to search, or for no word at all (`"`, `%`), finds no row,
    and says why; Datasette drops the search and lists every row (a search for "Germany" listing
    Brazil first, a lone quote every row of every table)."""
    from datasette.filters import FilterArguments

    search = request.args.get("_search", "")
    if not search.strip():
        return None
    if not WORD.search(search):  # nothing the index reads as a word
        said = f'search for "{search}": it has no letter or digit, and the index holds words · 检索词中没有文字或数字'
    elif datasette.table_metadata(database, table).get("fts_table"):
        return None
    else:
        said = f'search for "{search}": the table has no text to search · 此数据表没有可检索的文本'
    said = said if chinese_interface(datasette) else english(said)
    return FilterArguments(["0"], human_descriptions=[said])


def not_found_page(datasette, request, exception):
    """The bilingual 404 page (templates/error.html), rendered with the template variables of every
    page (its tables, its search box), which Datasette's own error rendering does not pass."""
    from datasette.utils.asgi import Response

    async def render():
        page = await datasette.render_template(
            "error.html",
            {"ok": False, "status": 404, "error": exception.args[0] if exception.args else "", "title": None},
            request=request,
        )
        return Response.html(page, status=404)

    return render


@hookimpl
def sitemap_extra_paths(datasette):
    """Every page a reader may want found (datasette-sitemap): home, tables, rows and source pages;
    never a query-string variant (robots.txt keeps those out)."""
    return sitemap_paths(datasette)


def one_line(exception: BaseException) -> str:
    return " ".join(str(exception).split())[:300]


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Cells of the package's tables as people read them (pages.cell_html): figures with their unit,
    qualifier and 万/亿 reading, quotes clipped with a short link to their highlighted passage, long
    text clipped. A query's numbers are written as people read them (474, not 474.0; 510,000); its
    other cells, and other tables' cells, are Datasette's."""
    if table is None:
        shown = (
            plain_number(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
        )
        return shown if shown != str(value) else None
    config = datasette.plugin_config("ecodata") or {}
    plan = config.get("pages", {}).get(table)
    if plan is None or value is None:
        return None
    codes = code_labels(datasette, database, table)
    return cell_html(row, value, column, plan, codes, config.get("sources", {}), chinese_interface(datasette))


@hookimpl
def startup(datasette):
    async def load():
        await load_code_labels(datasette)

    return load


@hookimpl
def extra_template_vars(template, database, table, request, datasette):
    config = datasette.plugin_config("ecodata") or {}
    found = {"page_description": page_description(datasette, database, table)}
    if template in ("index.html", "database.html", "error.html"):  # their box searching every table
        found["search_all"] = any(
            datasette.table_metadata(name, entry["name"]).get("fts_table")
            for name, entry in each_table(datasette, config)
        )
    if template == "index.html":

        async def with_json_ld():
            coverage = await temporal_coverage(datasette, config)
            return (
                found
                | home_vars(datasette, config)
                | {"json_ld": dataset_json_ld(datasette, request, config, coverage)}
                | {"headlines": await headline_figures(datasette, config)}
            )

        return with_json_ld
    if template == "search_all.html":
        from ..build.search import MAX_SUBSTRING

        evidence = config.get("evidence")
        titles = {f"{name}/{entry['name']}": entry["title"] for name, entry in each_table(datasette, config)}
        found |= {
            "table_titles_json": script_json(titles),
            "search_evidence_json": script_json(
                evidence and evidence | {"sources": config.get("sources", {})}
            ),
            "search_column_labels_json": script_json(
                {
                    f"{name}/{entry['name']}": {
                        column: label["zh"]
                        for column, label in config.get("pages", {})
                        .get(entry["name"], {})
                        .get("labels", {})
                        .items()
                        if label.get("zh")
                    }
                    for name, entry in each_table(datasette, config)
                }
            ),
            "max_substring": MAX_SUBSTRING,
            "group_from": GROUP_FROM,
            "search_examples": config.get("search_examples", []),
        }
    if template == "error.html":
        found["error_tables"] = [
            {"url": datasette.urls.table(name, entry["name"]), "title": entry["title"]}
            for name, entry in each_table(datasette, config)
        ]
        found["search_examples"] = config.get("search_examples", [])
    plan = config.get("pages", {}).get(table) if table else None
    if template == "table.html":
        codes = code_labels(datasette, database, table)
        found["facet_labels"] = lambda column, facet_value: (
            boolean_word(facet_value.get("value"), column, plan or {})
            or facet_label(codes.get(column, {}), facet_value)
        )
        chinese = chinese_interface(datasette)
        found["facet_heading"] = lambda column: column_label((plan or {}).get("labels", {}), column, chinese)
        found["description_zh"] = description_zh
        # the export links give a page of rows (no CSV streaming: serving is bounded); the files, all of them
        offered = config.get("downloads", {}).get("tables", [])
        found["table_files"] = next((files for files in offered if files["name"] == table), None)
        if plan:
            found["ecodata_table"] = lambda display_columns: TablePage(plan, display_columns, codes, chinese)
    if template == "row.html" and plan and request is not None:

        async def with_card():
            card = await card_for(datasette, request, database, table, plan, config)
            return found | ({"ecodata_card": card} if card else {})

        return with_card
    if template != "database.html":
        return found
    return found | home_vars(datasette, config) | {"table_groups": table_groups(datasette, database, config)}


async def headline_figures(datasette, config: dict) -> list[dict]:
    """The rows the package's declaration puts on the home page: each row's statement as its card's
    headline (row_card.headline), a link to its row page and one to its quote in the source.
    A row that is not there is left out (the descriptor names it; the data may not have it yet)."""
    from datasette.utils import tilde_encode

    from .row_card import headline

    found = []
    evidence = config.get("evidence") or {}
    for name in package_tables(datasette, []):  # the package's database(s), not Datasette's _internal
        database = datasette.get_database(name)
        for wanted in config.get("headlines", []):
            plan = config.get("pages", {}).get(wanted["resource"])
            keys = await database.primary_keys(wanted["resource"]) if plan else []
            if len(keys) != 1:
                continue
            rows = (
                await database.execute(
                    f"select * from {quoted(wanted['resource'])} where {quoted(keys[0])} = ?", [wanted["id"]]
                )
            ).rows
            if not rows:
                continue
            row = dict(rows[0])
            codes = code_labels(datasette, name, wanted["resource"])
            source = config.get("sources", {}).get(str(row.get(evidence.get("source"))))
            found.append(
                {
                    "html": headline(row, plan, codes)["html"],
                    "url": datasette.urls.row(name, wanted["resource"], tilde_encode(wanted["id"])),
                    "evidence": f"{source['page']}#q-{wanted['id']}" if source else None,
                }
            )
    return found


def column_label(labels: dict, column: str, chinese: bool = True) -> str:
    """A column as the table's headers name it: its title and Chinese label (`designation · 保护地类型`),
    on a site whose words are in Chinese too."""
    label = labels.get(column) or {}
    return " · ".join(filter(None, [label.get("title") or column, label.get("zh") if chinese else None]))


def facet_label(codes: dict, facet_value: dict) -> str:
    """A facet value as its code list or its field's categories name it (中文 · English), else as
    Datasette labels it."""
    label = both_languages(codes.get(str(facet_value.get("value"))) or {})
    return label or str(facet_value.get("label") or "") or "-"


def table_groups(datasette, database: str, config: dict) -> list[dict]:
    """The database page's tables: those no foreign key refers to (the topics) first, then those
    others refer to (code lists, sources), each in the package's order."""
    listing = package_tables(datasette, config.get("tables", [])).get(database, [])
    referred = set(config.get("referenced_tables", []))
    return [
        {
            "id": "tables",
            "title": "Tables · 数据表",
            "tables": [entry for entry in listing if entry["name"] not in referred],
        },
        {
            "id": "code-lists",
            "title": "Code lists and sources · 代码表与来源",
            "tables": [entry for entry in listing if entry["name"] in referred],
        },
    ]


def home_vars(datasette, config: dict) -> dict:
    return {
        "downloads": config.get("downloads", {}),
        "package_version": config.get("version", ""),
        "package_tables": package_tables(datasette, config.get("tables", [])),
        # links and examples only where the package has them (metadata.py)
        "has_dashboards": bool(datasette.plugin_config("datasette-dashboards")),
        "has_source_pages": bool(config.get("evidence")),
        "search_examples": config.get("search_examples", []),
    }


def chinese_interface(datasette) -> bool:
    """Whether the site's words are in Chinese too (`ecodata.languages`: build/metadata.py)."""
    return "zh-Hans" in (datasette.plugin_config("ecodata") or {}).get("languages", ["en", "zh-Hans"])


@hookimpl
def prepare_jinja2_environment(env, datasette):
    """`{{ word|both }}`: one of Datasette's interface words in both languages (words.py);
    `{{ "Apply · 应用"|ui }}`: our own words, and `{% if chinese %}`, as the site's languages have them."""
    chinese = chinese_interface(datasette)
    env.globals["chinese"] = chinese
    env.filters["both"] = both if chinese else unchanged
    env.filters["ui"] = unchanged if chinese else english


@hookimpl
def extra_body_script(template, datasette):
    """table.js's column menus reached by keyboard (COLUMN_MENU_KEYS), and in both languages on a
    bilingual site (words.py); table.js itself unchanged."""
    if template != "table.html":
        return None
    return COLUMN_MENU_KEYS + (column_menu_script() if chinese_interface(datasette) else "")


# table.js gives each column's ⚙ menu to a mouse alone (a bare SVG that listens for clicks): here each
# icon is a button one can Tab to and open with Enter or Space, its first item focused; Escape closes it
# and gives the focus back.
COLUMN_MENU_KEYS = Markup(
    """
document.addEventListener("DOMContentLoaded", () => {
  const menu = document.querySelector("body > .dropdown-menu");
  let opener = null;
  document.querySelectorAll("th .dropdown-menu-icon").forEach((icon) => {
    const column = icon.closest("th").getAttribute("data-column");
    icon.setAttribute("tabindex", "0");
    icon.setAttribute("role", "button");
    icon.setAttribute("aria-label", "Column menu: " + column);
    icon.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
      opener = icon;
      icon.dispatchEvent(new MouseEvent("click", {bubbles: true}));
      const first = menu && menu.querySelector("a");
      if (first) first.focus();
    });
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !menu || menu.style.display === "none") return;
    menu.style.display = "none";
    if (opener) opener.focus();
  });
});
"""
)


@hookimpl
def extra_css_urls(datasette):
    """ecodata.css (table roles, figures, the row card), its version in the URL so a new one is fetched."""
    return [{"url": f"{STATIC_URL}/ecodata.css?{static_version()}"}]


@functools.cache
def static_version() -> str:
    return hashlib.sha256((STATIC / "ecodata.css").read_bytes()).hexdigest()[:12]
