"""``{% load richtext %}{{ text|markdown }}``: Markdown rendered and sanitised."""

from django import template
from django.utils.safestring import SafeString

from manabiba.core.richtext import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown(text: str | None) -> SafeString:
    return render_markdown(text)
