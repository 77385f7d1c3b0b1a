"""Japanese typography on rendered pages: full-width brackets around Japanese text, no em dashes.

Japanese text takes 「（」「）」 with no space before them, and does not separate with an em dash
(「—」 reads as a long vowel mark or a stray line). ``typography_faults(html)`` returns the pieces of a
page's visible text that break this; furigana's own fallback brackets (``<rp>``) are not text.
"""

import re

import html5lib

JAPANESE = "\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f"
# A half-width bracket pair holding Japanese, or a half-width bracket opened right after Japanese.
_HALF_WIDTH = re.compile(rf"\([^()]*[{JAPANESE}][^()]*\)|[{JAPANESE}]\s*\(")
_DASH = re.compile(r"\S{0,6}\s?\u2014\s?\S{0,8}")
_SKIP = {"script", "style", "rp", "rt", "template"}


def visible_text(html: str) -> str:
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    parts: list[str] = []

    def walk(element: object) -> None:
        tag = getattr(element, "tag", "")
        if not isinstance(tag, str) or tag in _SKIP:
            parts.append(getattr(element, "tail", None) or "")
            return
        parts.append(" " + (element.text or ""))  # type: ignore[attr-defined]
        for child in element:  # type: ignore[attr-defined]
            walk(child)
        parts.append(" " + (element.tail or ""))  # type: ignore[attr-defined]

    walk(tree)
    return re.sub(r"\s+", " ", "".join(parts))


def typography_faults(html: str) -> list[str]:
    text = visible_text(html)
    return [match.group(0) for match in _HALF_WIDTH.finditer(text)] + [m.group(0) for m in _DASH.finditer(text)]
