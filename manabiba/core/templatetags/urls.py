"""``{% url %}`` as Django's, with the addresses without arguments reversed once (``core.paths``).

Loaded as a built-in (``TEMPLATES`` in settings), after Django's own, so every template's
``{% url %}`` is this one: a page names some thirty fixed addresses in its header, footer and
forms, and reversing each on every request was a twentieth of a catalogue page's time. An
address with arguments is reversed as before.
"""

from typing import Any

from django import template
from django.template.base import Parser, Token
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape

from manabiba.core.paths import path_of

register = template.Library()


class FixedURLNode(URLNode):
    """A ``{% url 'name' %}`` or ``{% url 'name' as var %}``: a quoted name, no arguments."""

    def render(self, context: Any) -> str:
        view_name = self.view_name.resolve(context)
        # The application namespace in force, exactly as Django's tag finds it.
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        try:
            url = path_of(view_name, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
            url = ""
        if self.asvar:
            context[self.asvar] = url
            return ""
        return str(conditional_escape(url)) if context.autoescape else url


@register.tag
def url(parser: Parser, token: Token) -> URLNode:
    node: URLNode = django_url(parser, token)
    # A quoted name is resolved when parsed: a string, where a variable stays a ``Variable``.
    if node.args or node.kwargs or node.view_name.filters or not isinstance(node.view_name.var, str):
        return node
    return FixedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
