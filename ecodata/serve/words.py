"""Datasette's own interface words in both languages ("English · 中文"), as the rest of the site writes
them: the `both` template filter for words Datasette or its plugins pass to our templates (menu links,
filter operators, show/hide), the Chinese twin of a table page's "where … sorted by …", and the words of
the column menu that Datasette's table.js builds in the browser (relabelled there by COLUMN_MENU_SCRIPT,
table.js itself untouched)."""

from __future__ import annotations

import json
from functools import cache

from markupsafe import Markup

# Words Datasette (and datasette-dashboards, datasette-search-all) hand to the templates, as shown.
WORDS = {
    # the crumbs and the nav menu
    "home": "home · 首页",
    "Dashboards": "Dashboards · 图表",
    "Search all tables": "Search all tables · 搜索全部数据表",
    # a saved query's SQL, shown or hidden
    "show": "show · 显示",
    "hide": "hide · 隐藏",
    # facet types beside a facet's heading
    "array": "array · 列表",
    "date": "date · 日期",
    # the filter row's conditions (Datasette's Filters.lookups() display words)
    "contains": "contains · 包含",
    "ends with": "ends with · 结尾是",
    "starts with": "starts with · 开头是",
    "like": "like · 匹配",
    "not like": "not like · 不匹配",
    "glob": "glob · 通配匹配",
    "in": "in · 属于",
    "not in": "not in · 不属于",
    "array contains": "array contains · 列表包含",
    "array does not contain": "array does not contain · 列表不包含",
    "is null": "is null · 为空值",
    "is not null": "is not null · 非空值",
    "is blank": "is blank · 为空",
    "is not blank": "is not blank · 不为空",
}

# Datasette's filter lookups → the Chinese of its human description ({c} column, {v} value).
FILTERS_ZH = {
    "exact": '{c} = "{v}"',
    "not": '{c} ≠ "{v}"',
    "contains": '{c} 包含 "{v}"',
    "endswith": '{c} 以 "{v}" 结尾',
    "startswith": '{c} 以 "{v}" 开头',
    "gt": "{c} > {v}",
    "gte": "{c} ≥ {v}",
    "lt": "{c} < {v}",
    "lte": "{c} ≤ {v}",
    "like": '{c} 匹配 "{v}"',
    "notlike": '{c} 不匹配 "{v}"',
    "glob": '{c} 通配匹配 "{v}"',
    "in": "{c} 属于 {v}",
    "notin": "{c} 不属于 {v}",
    "arraycontains": '{c} 包含 "{v}"',
    "arraynotcontains": '{c} 不包含 "{v}"',
    "date": "{c} 的日期为 {v}",
    "isnull": "{c} 为空值",
    "notnull": "{c} 非空值",
    "isblank": "{c} 为空",
    "notblank": "{c} 不为空",
}

# The column menu of table.js: each item's class → its words; the column type line's prefix.
COLUMN_MENU = {
    "dropdown-sort-asc": "Sort ascending · 升序排列",
    "dropdown-sort-desc": "Sort descending · 降序排列",
    "dropdown-facet": "Facet by this · 按此列分面",
    "dropdown-hide-column": "Hide this column · 隐藏此列",
    "dropdown-show-all-columns": "Show all columns · 显示全部列",
    "dropdown-not-blank": "Show not-blank rows · 只显示非空行",
}
COLUMN_TYPE = "Type · 类型:"
REMOVE_FILTER = "Remove this filter · 移除此筛选"


def both(text) -> str:
    """`text` in both languages when it is one of Datasette's interface words, else as it is."""
    return WORDS.get(str(text), text)


def unchanged(text):
    return text


def description_zh(filters, search: str | None, sort: str | None, sort_desc: str | None) -> str:
    """The Chinese of Datasette's "where designation = "x" and search matches "y" sorted by value
    descending": the same filters, search and sort."""
    bits = [f'搜索 "{search}"'] if search else []
    for column, lookup, value in filters.selections():
        template = FILTERS_ZH.get(lookup)
        if template:
            bits.append(template.format(c=column, v=value))
    parts = ["筛选：" + "，且 ".join(bits)] if bits else []
    if sort or sort_desc:
        parts.append(f"按 {sort or sort_desc} {'降序' if sort_desc else '升序'}排列")
    return "；".join(parts)


@cache  # the same script on every table page
def column_menu_script() -> Markup:
    """Relabels the column menu table.js adds to the page (and each time it shows a column's type), and
    the "remove this filter" links it adds to the filter rows. Runs after table.js (DOMContentLoaded
    follows deferred scripts); without table.js it does nothing."""
    words = json.dumps(
        {"menu": COLUMN_MENU, "type": COLUMN_TYPE, "remove": REMOVE_FILTER}, ensure_ascii=False
    ).replace("</", "<\\/")
    return Markup(
        """
document.addEventListener("DOMContentLoaded", () => {
  const words = WORDS;
  const menu = document.querySelector(".dropdown-menu a.dropdown-sort-asc")?.closest(".dropdown-menu");
  if (menu) {
    for (const [name, label] of Object.entries(words.menu)) {
      const item = menu.querySelector("a." + name);
      if (item) item.textContent = label;
    }
    const type = menu.querySelector(".dropdown-column-type");
    const relabel = () => {
      if (type.textContent.startsWith("Type: ")) type.textContent = words.type + type.textContent.slice(5);
    };
    if (type) new MutationObserver(relabel).observe(type, {childList: true, characterData: true, subtree: true});
  }
  for (const remove of document.querySelectorAll('.filter-row a[aria-label="Remove this filter"]')) {
    remove.setAttribute("aria-label", words.remove);
  }
});
""".replace("WORDS", words, 1)
    )
