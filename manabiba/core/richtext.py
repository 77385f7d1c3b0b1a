"""Rich text written by staff and citizens: Markdown in, sanitised HTML out.

Markdown is rendered without raw HTML, then the HTML is cleaned against an allow-list, so a
bug in either step alone cannot put a script or an event handler on a page.
"""

from typing import Any

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "em",
        "ul",
        "ol",
        "li",
        "a",
        "h2",
        "h3",
        "h4",
        "blockquote",
        "code",
        "pre",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"
# Their content is dropped along with the tag, not shown as text.
DROPPED_WITH_CONTENT = frozenset({"script", "style"})

_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")


def _adapt(tokens: list[Token]) -> None:
    """Fit the text to the page it is shown on.

    The page owns the only h1, so a "# heading" becomes h2 (and nothing goes below h4); images
    are not allowed, so an image becomes its description rather than vanishing silently.
    """
    for token in tokens:
        if token.type in {"heading_open", "heading_close"}:
            level = int(token.tag[1:])
            token.tag = f"h{min(max(level + 1, 2), 4)}"
        for child in token.children or []:
            if child.type == "image":
                child.type, child.tag, child.attrs, child.children = "text", "", {}, None


def render_markdown(text: str | None) -> SafeString:
    if not text:
        return mark_safe("")
    env: dict[str, Any] = {}
    tokens = _markdown.parse(text, env)
    _adapt(tokens)
    html = _markdown.renderer.render(tokens, _markdown.options, env)
    return mark_safe(sanitize_html(html))  # sanitised against the allow-list


def sanitize_html(html: str) -> str:
    """Keep only the allowed tags and attributes, and links to the web or to mail."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
    )
