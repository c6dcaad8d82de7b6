"""Markdown to safe HTML: markdown-it-py parses (raw HTML off), nh3 keeps only the tags below.

Nothing that runs or loads gets through: no script, no event handler, no `javascript:` or `data:`
URL, no style, and no image (a remote image would tell its host who read the document and when);
an image is shown as a link to it instead.

A document is rendered as its top-level blocks (paragraphs, headings, lists, quotes, code), so a
mentor's comment can be anchored to one block of one version.
"""

from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_markdown.enable(["table", "strikethrough"]).disable("image")

ALLOWED_TAGS = {
    *(f"h{level}" for level in range(1, 7)),
    *("p", "br", "hr", "blockquote", "pre", "code", "em", "strong", "del", "a"),
    *("ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td"),
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


def clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


@dataclass(frozen=True)
class Block:
    index: int  # the block's place in its version: what comments are anchored to
    html: Markup
    source: str  # the Markdown it came from, quoted beside comments


def blocks(text: str, heading_offset: int = 1) -> list[Block]:
    """The document's top-level blocks, each rendered and sanitized on its own.

    Headings move down `heading_offset` levels (at most to h6), so a document's own "# Title" sits
    under the page's heading instead of competing with it.
    """
    tokens = _markdown.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + heading_offset)}"
    lines = text.splitlines()
    found: list[Block] = []
    depth, start = 0, 0
    for position, token in enumerate(tokens):
        depth += token.nesting
        if depth:
            continue
        group = tokens[start : position + 1]
        start = position + 1
        first, last = group[0].map or (0, 0)
        html = clean(_markdown.renderer.render(group, _markdown.options, {}))
        # `clean` is nh3 with the allow-list above: what it returns is safe to show as it is.
        found.append(Block(len(found), Markup(html), "\n".join(lines[first:last]).strip()))  # nosec B704
    return found


def render(text: str, heading_offset: int = 1) -> Markup:
    """The whole document as safe HTML."""
    # Each block is nh3's output (see `blocks`).
    return Markup("".join(block.html for block in blocks(text, heading_offset)))  # nosec B704
