"""The human data dictionary of a release, in Markdown and HTML, written from the same
resource definitions as `datapackage.json` (releases/schema.py)."""

from __future__ import annotations

import html

from casebook.releases.schema import Resource

MAX_LISTED = 12  # enumerations longer than this are summarised (they are in datapackage.json)


def _allowed(values: tuple[str, ...]) -> str:
    if not values:
        return ""
    if len(values) > MAX_LISTED:
        return f"one of {len(values)} codebook slugs (listed in datapackage.json)"
    return "one of " + ", ".join(f"`{value}`" for value in values)


def dictionary_markdown(resources: tuple[Resource, ...], *, title: str, intro: str) -> str:
    lines = [f"# {title}", "", intro, ""]
    for resource in resources:
        lines += [f"## {resource.title} (`{resource.path}`)", "", resource.description, ""]
        lines += [
            "| column | type | required | meaning | allowed values |",
            "|---|---|---|---|---|",
        ]
        for item in resource.fields:
            meaning = item.description.replace("|", "\\|")
            allowed = _allowed(item.enum)
            if item.minimum is not None:
                allowed = (allowed + "; " if allowed else "") + f"at least {item.minimum}"
            required = "yes" if item.required else ""
            lines.append(f"| `{item.name}` | {item.type} | {required} | {meaning} | {allowed} |")
        lines.append("")
    return "\n".join(lines)


def dictionary_html(resources: tuple[Resource, ...], *, title: str, intro: str) -> str:
    escape = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}"
        "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:3px 6px;"
        "text-align:left;vertical-align:top}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p>{escape(intro)}</p>",
    ]
    for resource in resources:
        parts.append(f"<h2>{escape(resource.title)} (<code>{escape(resource.path)}</code>)</h2>")
        parts.append(f"<p>{escape(resource.description)}</p>")
        parts.append(
            "<table><tr><th>column</th><th>type</th><th>required</th><th>meaning</th>"
            "<th>allowed values</th></tr>"
        )
        for item in resource.fields:
            allowed = _allowed(item.enum).replace("`", "")
            if item.minimum is not None:
                allowed = (allowed + "; " if allowed else "") + f"at least {item.minimum}"
            parts.append(
                f"<tr><td><code>{escape(item.name)}</code></td><td>{escape(item.type)}</td>"
                f"<td>{'yes' if item.required else ''}</td><td>{escape(item.description)}</td>"
                f"<td>{escape(allowed)}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
