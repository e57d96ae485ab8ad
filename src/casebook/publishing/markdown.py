"""Posts' Markdown to HTML, safely: raw HTML in a post is shown as text, never run.

markdown-it-py in CommonMark mode with HTML off: tags typed into a post come out escaped,
and its link check refuses `javascript:`, `vbscript:`, `file:` and `data:` addresses (except
images). No allowlist sanitiser is needed because no HTML is ever let through.
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt


@cache
def _renderer() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
        "table"
    )


def markdown_html(text: str) -> str:
    """A post's body as HTML.

    >>> markdown_html("**Bail** <script>alert(1)</script> [x](javascript:alert(1))")
    '<p><strong>Bail</strong> &lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1))</p>\\n'
    """
    return _renderer().render(text or "")
