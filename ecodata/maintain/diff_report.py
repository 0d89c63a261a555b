"""`diff`'s output: text for people, JSON for machines, Markdown for a pull-request comment."""

from __future__ import annotations

import html
import json
import re

MARKDOWN_CELL = 120  # a pull-request comment shows at most this much of a cell (quotes can be long)
MARKDOWN_LIMIT = 65_536  # characters: GitHub refuses a longer comment body


def has_differences(changes: dict) -> bool:
    version = changes["version"]
    return bool(changes["resources"] or changes["package"]) or version["old"] != version["new"]


def render_json(changes: dict) -> str:
    return json.dumps(changes, ensure_ascii=False, indent=2)


def render_text(changes: dict) -> str:
    """For people: a summary line per resource (counts are rows), then one line per difference."""
    lines = [f"version {version_change(changes)}"] if version_change(changes) else []
    lines += [f"package {line}" for line in property_lines(changes["package"])]
    lines += [f"resource added: {name}" for name in changes["schema"]["resources_added"]]
    lines += [f"resource removed: {name}" for name in changes["schema"]["resources_removed"]]
    for name, rows in changes["resources"].items():
        lines.append(f"{name}: {summary(rows)}")
        lines += [f"  {line}" for line in schema_lines(changes["schema"]["fields"].get(name))]
        lines += [f"  + {row}" for row in rows["added"]]
        lines += [f"  - {row}" for row in rows["removed"]]
        lines += [
            f"  ~ {c['id']} {c['field']}: {one_line(c['old'])} → {one_line(c['new'])}"
            for c in rows["changed"]
        ]
    lines = lines or ["no differences"]
    return "\n".join(lines + [f"note: {note}" for note in changes.get("notes", [])])


def render_markdown(changes: dict) -> str:
    """For a pull-request comment: cells escaped for a table and clipped, so a long quote stays readable."""
    lines = ["### Data changes", ""]
    if not has_differences(changes):
        return "\n".join([*lines, "No differences."])
    if version_change(changes):
        lines += [f"Version {markdown(version_change(changes))}", ""]
    if changes["package"]:
        lines += [f"- package: {markdown(line)}" for line in property_lines(changes["package"])] + [""]
    lines += [f"> {markdown(note, clip=False)}" for note in changes.get("notes", [])]  # first: always kept
    lines += [""] if changes.get("notes") else []
    for label in ("added", "removed"):
        names = changes["schema"][f"resources_{label}"]
        if names:
            lines += [f"Resources {label}: {', '.join(map(code, names))}", ""]
    for name, rows in changes["resources"].items():
        lines += [f"#### {code(name)}: {summary(rows)}", ""]
        schema = schema_lines(changes["schema"]["fields"].get(name))
        lines += [f"- schema: {markdown(line)}" for line in schema] + ([""] if schema else [])
        for label in ("added", "removed"):
            if rows[label]:
                lines += [f"{label.capitalize()}: {', '.join(map(markdown, rows[label]))}", ""]
        if rows["changed"]:
            lines += ["| id | field | old | new |", "|---|---|---|---|"]
            lines += [
                "| " + " | ".join(markdown(c[key]) for key in ("id", "field", "old", "new")) + " |"
                for c in rows["changed"]
            ]
            lines.append("")
    return clipped("\n".join(lines).rstrip("\n"), MARKDOWN_LIMIT)


def clipped(text: str, limit: int) -> str:
    """`text` whole if it fits in `limit` characters, else its first lines and a line saying how many
    more there are (a pull-request comment longer than GitHub takes would not be posted at all)."""
    if len(text) <= limit:
        return text
    lines = text.split("\n")
    note = (
        "\n\n_… {} more lines not shown: a pull-request comment holds {:,} characters. "
        "`ecodata diff` prints every change (`--format json` for machines)._"
    )
    kept, size = 0, len(note.format(len(lines), limit))
    while size + len(lines[kept]) + 1 <= limit:
        size += len(lines[kept]) + 1
        kept += 1
    return "\n".join(lines[:kept]) + note.format(len(lines) - kept, limit)


def summary(rows: dict) -> str:
    changed = len({c["id"] for c in rows["changed"]})
    return f"{len(rows['added'])} added, {len(rows['removed'])} removed, {changed} changed"


def schema_lines(fields: dict | None) -> list[str]:
    if not fields:
        return []
    lines = [f"+ field {name}" for name in fields["added"]]
    lines += [f"- field {name}" for name in fields["removed"]]
    lines += [f"~ field {r['field']} type: {r['old']} → {r['new']}" for r in fields["retyped"]]
    if fields["primary_key"]:
        old, new = (", ".join(fields["primary_key"][side]) or "(none)" for side in ("old", "new"))
        lines.append(f"~ primary key: {old} → {new}")
    lines += [
        f"~ the header in the {entry['version']} version has no column {entry['column']} (validate reports it): "
        "its cells are not compared"
        for entry in fields.get("columns_missing", [])
    ]
    return lines + property_lines(fields.get("properties", []))


def property_lines(changes: list[dict]) -> list[str]:
    """`~ field date format: (none) → "%d/%m/%Y"`: each value as JSON, on one line."""
    return [
        f"~ {'' if c['where'] in ('package', 'resource') else c['where'] + ' '}{c['property']}: "
        f"{shown_value(c['old'])} → {shown_value(c['new'])}"
        for c in changes
    ]


def shown_value(value) -> str:
    return "(none)" if value is None else json.dumps(value, ensure_ascii=False)


def version_change(changes: dict) -> str:
    old, new = changes["version"]["old"], changes["version"]["new"]
    return f"{old or '(none)'} → {new or '(none)'}" if old != new else ""


def one_line(cell: str) -> str:
    return cell.replace("\r\n", "\\n").replace("\n", "\\n") if cell else '""'


def code(name: str) -> str:
    return f"`{name}`" if "`" not in name else markdown(name)


def markdown(cell: str, clip: bool = True) -> str:
    """A cell as Markdown text: clipped (unless not `clip`), markup and `|` escaped, newlines as <br>."""
    if clip and len(cell) > MARKDOWN_CELL:
        cell = cell[: MARKDOWN_CELL - 1] + "…"
    cell = html.escape(re.sub(r"([\\`*_\[\]|])", r"\\\1", cell), quote=False)
    return re.sub(r"\r\n|\r|\n", "<br>", cell)


RENDERERS = {"text": render_text, "json": render_json, "markdown": render_markdown}
