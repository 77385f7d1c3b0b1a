"""No inline style anywhere: the CSP (``style-src 'self'``) refuses them, and a browser logs an error for each.

Templates and Python that write HTML must not write a ``style`` attribute or a ``<style>`` element, and the
site's own script must not set styles (it toggles attributes and classes; site.css does the rest).
"""

import re
from pathlib import Path

import manabiba

PACKAGE = Path(manabiba.__file__).resolve().parent
INLINE_STYLE_IN_MARKUP = re.compile(r"""\sstyle\s*=\s*["'{]|<style[\s>]""", re.IGNORECASE)
STYLE_FROM_SCRIPT = re.compile(r"""\.style\b|setAttribute\(\s*["']style|cssText|insertRule|<style""")


def _offences(pattern: re.Pattern[str], paths: list[Path]) -> list[str]:
    found = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if pattern.search(line):
                found.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    return found


def test_no_template_or_python_writes_an_inline_style() -> None:
    templates = [p for p in PACKAGE.rglob("templates/**/*") if p.suffix in {".html", ".svg", ".xml"}]
    python = [p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts]
    assert len(templates) > 100
    assert _offences(INLINE_STYLE_IN_MARKUP, templates + python) == []


def test_the_site_script_sets_no_style() -> None:
    scripts = list(PACKAGE.rglob("static/**/*.js"))
    assert scripts
    assert _offences(STYLE_FROM_SCRIPT, scripts) == []


def test_the_patterns_catch_what_they_are_meant_to() -> None:
    assert INLINE_STYLE_IN_MARKUP.search('<p style="color: red">')
    assert INLINE_STYLE_IN_MARKUP.search("<style>p { color: red }</style>")
    assert not INLINE_STYLE_IN_MARKUP.search('<link rel="stylesheet" href="site.css">')
    assert STYLE_FROM_SCRIPT.search('element.style.display = "none";')
    assert STYLE_FROM_SCRIPT.search('element.setAttribute("style", "x")')
    assert not STYLE_FROM_SCRIPT.search('element.classList.add("is-open");')
