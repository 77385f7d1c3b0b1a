"""Furigana in templates: ``{{ text|ruby:furigana_on }}`` and ``{% rubyblock furigana_on %}``;
brackets in the page's language: ``{{ text|bracketed }}``.

Both take the reader's choice as an argument and leave the text as it was (escaped) when it
is off, so a template can use them everywhere without asking first.
"""

import re

from django import template
from django.template.base import FilterExpression, Parser, Token
from django.template.context import Context
from django.utils import translation
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe

from manabiba.core.japanese import furigana, has_japanese, has_kanji

register = template.Library()


@register.filter(is_safe=True)
def lang_ja(value: object) -> SafeString:
    """`` lang="ja"`` for the element holding ``value`` when the page is not in Japanese but the
    text people wrote is (WCAG 3.1.2), so a screen reader reads it with a Japanese voice:
    ``<h1{{ program.title|lang_ja }}>``. Empty on Japanese pages and for text without kana or kanji."""
    language = translation.get_language() or ""
    if language.startswith("ja") or not has_japanese(str(value)):
        return mark_safe("")
    return mark_safe(' lang="ja"')


@register.filter(is_safe=True)
def bracketed(value: object) -> SafeString:
    """``value`` (escaped) in the brackets of the page's language: " (Yumecolab)" in English,
    "（ゆめこらぼ）" in Japanese, which writes full-width brackets with no space before them."""
    return format_html(
        "{}{}{}",
        translation.pgettext("opening bracket", " ("),
        value,
        translation.pgettext("closing bracket", ")"),
    )


@register.filter(is_safe=True)
def ja_span(value: object) -> SafeString:
    """The value, escaped, in ``<span lang="ja">`` when ``lang_ja`` would mark it: for text people wrote
    inside a translated sentence, ``{% blocktranslate with place=facility.name|ja_span %}``. Not for
    ``<title>`` or attributes, which hold no markup."""
    text = conditional_escape(str(value))
    if not lang_ja(value):
        return text
    return mark_safe(f'<span lang="ja">{text}</span>')


# A tag, a comment or a CDATA section; what lies between them is text.
_MARKUP = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<(?:\"[^\"]*\"|'[^']*'|[^'\">])*>", re.DOTALL)
_TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)")
_ENTITY = re.compile(r"&(#\d+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")
# Elements whose text must stay as it is: code, raw text, text already with ruby, and
# elements that cannot hold markup.
_SKIP = frozenset({"script", "style", "ruby", "rt", "rp", "textarea", "title", "option", "code", "pre", "kbd", "samp"})


def _ruby_html(text: str) -> str:
    """Plain ``text`` as HTML, with ruby over its kanji."""
    parts: list[str] = []
    for segment, reading in furigana(text):
        if reading is None:
            parts.append(escape(segment))
        else:
            parts.append(f"<ruby>{escape(segment)}<rp>(</rp><rt>{escape(reading)}</rt><rp>)</rp></ruby>")
    return "".join(parts)


def _ruby_text_node(node: str) -> str:
    """An HTML text node with ruby added; entities stay as they were written."""
    if not has_kanji(node):
        return node
    pieces: list[str] = []
    position = 0
    for entity in _ENTITY.finditer(node):
        pieces.append(_ruby_html(node[position : entity.start()]))
        pieces.append(entity.group())
        position = entity.end()
    pieces.append(_ruby_html(node[position:]))
    return "".join(pieces)


def add_ruby(rendered: str) -> str:
    """Already-rendered HTML with ruby over the kanji of its text, never inside a tag."""
    out: list[str] = []
    position = 0
    skipping: list[str] = []
    for markup in _MARKUP.finditer(rendered):
        node = rendered[position : markup.start()]
        out.append(node if skipping else _ruby_text_node(node))
        out.append(markup.group())
        position = markup.end()
        name_match = _TAG_NAME.match(markup.group())
        if name_match is not None:
            closing, name = name_match.group(1) == "/", name_match.group(2).lower()
            if name in _SKIP and not markup.group().endswith("/>"):
                if not closing:
                    skipping.append(name)
                elif name in skipping:
                    del skipping[len(skipping) - 1 - skipping[::-1].index(name) :]
    tail = rendered[position:]
    out.append(tail if skipping else _ruby_text_node(tail))
    return "".join(out)


@register.filter(is_safe=True)
def ruby(value: object, furigana_on: object = False) -> SafeString:
    """The value, escaped, with ruby over its kanji when furigana is switched on."""
    if not furigana_on:
        return conditional_escape(str(value))
    if isinstance(value, SafeString):
        return mark_safe(add_ruby(str(value)))
    return mark_safe(_ruby_html(str(value)))


class RubyBlockNode(template.Node):
    def __init__(self, nodelist: template.NodeList, switch: FilterExpression) -> None:
        self.nodelist = nodelist
        self.switch = switch

    def render(self, context: Context) -> str:
        rendered = self.nodelist.render(context)
        if not self.switch.resolve(context):
            return rendered
        return mark_safe(add_ruby(rendered))


@register.tag
def rubyblock(parser: Parser, token: Token) -> RubyBlockNode:
    """``{% rubyblock furigana_on %}…{% endrubyblock %}``: ruby over the kanji of the text inside."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one argument: whether furigana is on")
    nodelist = parser.parse(("endrubyblock",))
    parser.delete_first_token()
    return RubyBlockNode(nodelist, parser.compile_filter(bits[1]))
