"""Static pages of the archived source texts with every cited quote highlighted, anchored and linked.

`sources/<file>.html#q-<row id>` opens the document at the quote of that row, with a few lines of context
above it; a small number after each quote links to the row citing it. Quotes are located after removing
all whitespace (the archived texts break lines mid-sentence), then mapped back to the original
characters. The page reflows the print layout's line breaks for reading (see reflow.py), changing
whitespace only; the archived file is copied next to it byte for byte.
"""

from __future__ import annotations

import html
import itertools
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..package import Package
from ..text import english, squeeze
from .reflow import Reading

NON_SPACE = re.compile(r"\S")
PAGE_STYLE = """
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", sans-serif; max-width: 52em; margin: 2em auto;
       padding: 0 1em; line-height: 1.8; color: #222; }
header { border-bottom: 1px solid #ccc; margin-bottom: 1.5em; }
header, footer, code { overflow-wrap: anywhere; }  /* a digest or a row id is one long word */
nav.back { font-size: 0.9em; }
nav.back ul { margin: 0.2em 0 0.8em; padding-left: 1.2em; }
.text p { margin: 0 0 0.9em; }
mark { background: #fff1a8; }
mark.current { background: #ffb347; outline: 2px solid #e07b00; }
[id^="q-"] { scroll-margin-top: 30vh; }
sup.to-rows { font-size: 0.7em; line-height: 0; user-select: none; }
sup.to-rows a { color: #2a6496; text-decoration: none; padding: 0 0.1em; }
sup.to-rows a:hover, sup.to-rows a:focus { text-decoration: underline; }
"""
# The browser scrolls to #q-<row id> itself, leaving `scroll-margin-top` of context above the quote.
PAGE_SCRIPT = """
function showQuote() {
  document.querySelectorAll("mark.current").forEach(function (m) { m.classList.remove("current"); });
  if (!location.hash.startsWith("#q-")) return;
  var id = decodeURIComponent(location.hash.slice(3));
  document.querySelectorAll("mark[data-q]").forEach(function (m) {
    if (m.dataset.q.split(" ").indexOf(id) !== -1) m.classList.add("current");
  });
}
window.addEventListener("hashchange", showQuote);
document.addEventListener("DOMContentLoaded", showQuote);
"""


@dataclass(frozen=True)
class Citation:
    row_id: str
    table: str
    start: int  # offsets in the archived text, whitespace included
    end: int


def page_name(source_file: str) -> str:
    """`sources/x.zh.txt` → `x.zh.html`, the page's name under the served `sources/` folder."""
    return Path(source_file).with_suffix(".html").name


def locator(text: str):
    """A function giving where a quote occurs in `text`, whitespace ignored on both sides, in original
    offsets. The text is squeezed and indexed once, however many quotes are looked up."""
    positions = [match.start() for match in NON_SPACE.finditer(text)]
    squeezed = squeeze(text)

    def locate(quote: str) -> tuple[int, int] | None:
        needle = squeeze(quote)
        index = squeezed.find(needle) if needle else -1
        if index < 0:
            return None
        return positions[index], positions[index + len(needle) - 1] + 1

    return locate


def locate(text: str, quote: str) -> tuple[int, int] | None:
    return locator(text)(quote)


def citations(text: str, rows: list[tuple[str, str, str]]) -> list[Citation]:
    """(table, row id, quote) → the located citations, in text order; unlocatable quotes are skipped."""
    find = locator(text)
    found = []
    for table, row_id, quote in rows:
        span = find(quote)
        if span:
            found.append(Citation(row_id, table, *span))
    return sorted(found, key=lambda c: (c.start, c.end, c.row_id))


def highlighted(text: str, cited: list[Citation], row_link=None) -> str:
    """The text as HTML paragraphs, reflowed for reading: each stretch covered by quotes is a <mark>
    listing their row ids (split where a quote crosses a paragraph break); an anchor `q-<row id>` opens
    each quote and, given `row_link(citation) -> (href, title)`, a numbered link to its row closes it
    (numbered as `cited` is ordered)."""
    reading = Reading(text)
    paragraph_breaks = set(reading.paragraph_breaks)
    cuts = sorted(
        {0, len(text)}
        | {c.start for c in cited}
        | {c.end for c in cited}
        | {edge for pair in paragraph_breaks for edge in pair}
    )
    numbers = {citation: number for number, citation in enumerate(cited, start=1)}

    def links_ending(at: int) -> list[str]:
        ending = [c for c in cited if c.end == at]
        if not row_link or not ending:
            return []
        links = []
        for c in ending:
            href, title = row_link(c)
            links.append(f'<a href="{html.escape(href)}" title="{html.escape(title)}">{numbers[c]}</a>')
        return [f'<sup class="to-rows">{" ".join(links)}</sup>']

    parts = ["<p>"]
    for start, end in itertools.pairwise(cuts):
        parts += links_ending(start)
        parts += [f'<span id="q-{html.escape(c.row_id)}"></span>' for c in cited if c.start == start]
        if (start, end) in paragraph_breaks:
            parts.append("</p>\n<p>")
            continue
        chunk = html.escape(reading.shown(start, end))
        covering = " ".join(c.row_id for c in cited if c.start <= start and end <= c.end)
        if chunk:
            parts.append(f'<mark data-q="{html.escape(covering)}">{chunk}</mark>' if covering else chunk)
    parts += links_ending(len(text))
    parts.append("</p>")
    return "".join(parts)


def html_page(title: str, body: str, script: str = "", description: str = "") -> str:
    """A self-contained page (no external resources): the archive must read the same offline."""
    return f"""<!DOCTYPE html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="{html.escape(description or title)}">
<title>{html.escape(title)}</title>
<style>{PAGE_STYLE}</style>
{f"<script>{script}</script>" if script else ""}
</head>
<body>
<main>
{body}
</main>
</body>
</html>
"""


def cell(source: dict, *names: str) -> str:
    """The first filled one of a source row's fields, as text ("" when it has none of them)."""
    return next((str(source[name]) for name in names if source.get(name) not in (None, "")), "")


def source_label(source: dict) -> str:
    """Title(s), publisher and date of a source row, from whichever of the usual fields it has."""
    parts = [
        cell(source, "title_zh", "title"),
        cell(source, "title_en"),
        cell(source, "publisher_zh", "publisher"),
        cell(source, "date_published", "date"),
    ]
    return " · ".join(part for part in parts if part)


CHINESE_HELP = (
    "\n高亮部分为数据引用的原文，其后的小号数字链接到引用它的数据行。此处为便于阅读合并了排版造成的换行，"
    "存档原文保持原样。"
)


def back_links(tables: list[tuple[str, str, int]], say=str) -> str:
    """Links back to the data: home, all sources, and each table citing this source, (href, title, rows).
    `say`: the site's words (text.english for a site in English alone)."""
    items = "".join(
        f'<li><a href="{html.escape(href)}">{html.escape(title)}</a> ({say(f"{count} rows · {count} 行")})</li>'
        for href, title, count in tables
    )
    cited_by = (
        f"<p>{say('Tables citing this source · 引用本文献的数据表')}:</p><ul>{items}</ul>" if items else ""
    )
    return f"""<nav class="back"><p><a href="../">{say("← Data home · 数据首页")}</a> ·
<a href="index.html">{say("All sources · 全部来源文献")}</a></p>{cited_by}</nav>"""


def source_page(
    source: dict,
    text: str,
    cited: list[Citation],
    row_link,
    file_field: str = "file",
    tables: list[tuple[str, str, int]] = (),
    chinese: bool = True,
) -> str:
    """`row_link(citation) -> (href, title)` links a quote to its row; `tables` are the tables citing
    this source, as (href, title, rows); `chinese`: the site's words in Chinese too."""
    say = str if chinese else english
    raw_name = html.escape(Path(source[file_field]).name)
    rows = "".join(
        f'<li><a href="#q-{html.escape(c.row_id)}">{html.escape(c.row_id)}</a> · '
        f'<a href="{html.escape(row_link(c)[0])}">{html.escape(row_link(c)[1])} · row{" 数据行" if chinese else ""}</a></li>'
        for c in cited
    )
    published = " · ".join(
        part
        for part in (
            cell(source, "publisher_zh", "publisher"),
            cell(source, "publisher_en"),
            cell(source, "date_published", "date"),
        )
        if part
    )
    title = cell(source, "title_zh", "title", "id") or raw_name
    digest = f" · sha256 <code>{html.escape(cell(source, 'sha256'))}</code>" if cell(source, "sha256") else ""
    body = f"""<header>
{back_links(list(tables), say)}
<h1>{html.escape(title)}</h1>
<p>{html.escape(cell(source, "title_en"))}</p>
<p>{html.escape(published)}</p>
<p>Archived text{" 存档原文" if chinese else ""}: <a href="{raw_name}">{raw_name}</a>{digest}</p>
<p>Highlighted: the {len(cited)} quotes cited by the data; the small number after each opens the row
citing it. Line breaks of the print layout are joined here for reading; the archived text keeps them.{CHINESE_HELP if chinese else ""}</p>
</header>
<div class="text">{highlighted(text, cited, row_link)}</div>
<footer><h2>{say("Cited passages · 引用段落")}</h2><ol>{rows}</ol></footer>"""
    return html_page(
        " · ".join(part for part in (title, cell(source, "title_en")) if part),
        body,
        PAGE_SCRIPT,
        f"The archived text of {cell(source, 'title_en') or title}, {published}, with the {len(cited)} "
        f"passages the data quotes highlighted."
        + (f" 存档原文，高亮数据引用的 {len(cited)} 处段落。" if chinese else ""),
    )


def index_page(sources: list[dict], file_field: str = "file", chinese: bool = True) -> str:
    say = str if chinese else english
    about = "The archived texts every row quotes." + (" 数据引用的存档原文。" if chinese else "")
    items = "".join(
        f'<li><a href="{html.escape(page_name(s[file_field]))}">{html.escape(source_label(s) or s[file_field])}</a></li>'
        for s in sources
    )
    body = f"""<h1>{say("Sources · 来源文献")}</h1>
<p>{about}</p>
<ul>{items}</ul>
<p><a href="/">{say("Back to the data · 返回数据")}</a></p>"""
    return html_page(say("Sources · 来源文献"), body, description=about)


def write_source_pages(package: Package, parquet: dict[str, Path], folder: Path, evidence: dict) -> None:
    """Write `folder/<file>.html` (highlighted) and a copy of each archived text.

    `parquet` holds each resource's built Parquet file; `evidence` names the quote, source and file
    fields (validate.context.evidence_of). A row is anchored by its single-field primary key."""
    import urllib.parse

    import pyarrow.parquet as pq
    from datasette.utils import tilde_encode

    from .metadata import interface_languages

    quote, source_field, file_field = evidence["quote"], evidence["source"], evidence["file"]
    chinese = "zh-Hans" in interface_languages(package)  # the site's words in Chinese too
    titles = {resource["name"]: resource.get("title") or resource["name"] for resource in package.tables}
    database = f"../{tilde_encode(package.name)}"

    def row_link(citation: Citation) -> tuple[str, str]:
        href = f"{database}/{tilde_encode(citation.table)}/{tilde_encode(citation.row_id)}"
        return href, f"{titles[citation.table]} · {citation.row_id}"

    folder.mkdir(parents=True, exist_ok=True)
    quoted = []
    for resource in package.tables:
        key = resource["schema"].get("primaryKey") or []
        names = {field["name"] for field in resource["schema"]["fields"]}
        if len(key) != 1 or quote not in names or source_field not in names:
            continue
        columns = pq.read_table(parquet[resource["name"]], columns=[key[0], quote, source_field]).to_pylist()
        quoted += [
            (resource["name"], str(row[key[0]]), row[quote], str(row[source_field]))
            for row in columns
            if row[quote] and row[source_field]
        ]
    sources = [
        source for source in pq.read_table(parquet[evidence["sources"]]).to_pylist() if source.get(file_field)
    ]
    for source in sources:
        path = package.safe_path(source[file_field])
        text = path.read_text(encoding="utf-8")
        source_id = str(source[evidence["id"]])
        mine = [(table, row_id, q) for table, row_id, q, sid in quoted if sid == source_id]
        tables = [
            (
                f"{database}/{tilde_encode(table)}?{urllib.parse.urlencode({source_field: source_id})}",
                title,
                count,
            )
            for table, title in titles.items()
            if (count := sum(1 for name, _, _ in mine if name == table))
        ]
        (folder / page_name(source[file_field])).write_text(
            source_page(source, text, citations(text, mine), row_link, file_field, tables, chinese),
            encoding="utf-8",
        )
        shutil.copyfile(path, folder / path.name)
    (folder / "index.html").write_text(index_page(sources, file_field, chinese), encoding="utf-8")
