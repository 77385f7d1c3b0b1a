"""The Japanese catalogue: every string translated, the compiled file in step, and the site speaking Japanese."""

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

CATALOGUE_DIR = Path(settings.BASE_DIR) / "manabiba" / "locale" / "ja" / "LC_MESSAGES"
PO_FILE = CATALOGUE_DIR / "django.po"
MO_FILE = CATALOGUE_DIR / "django.mo"

# gettext keys a message with a context as "context<EOT>msgid".
CONTEXT_SEPARATOR = "\x04"

KEYWORD_LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$')


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def msgid(self) -> str:
        return self.fields.get("msgid", "")

    @property
    def key(self) -> str:
        if "msgctxt" in self.fields:
            return self.fields["msgctxt"] + CONTEXT_SEPARATOR + self.msgid
        return self.msgid

    @property
    def translations(self) -> list[str]:
        return [value for name, value in sorted(self.fields.items()) if name.startswith("msgstr")]

    def describe(self) -> str:
        return f"django.po:{self.line}: {self.key!r}"


def parse_po(text: str) -> list[Entry]:
    """Read the active entries of a .po file; obsolete (#~) entries are not part of the catalogue."""
    entries: list[Entry] = []
    entry: Entry | None = None
    current: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            entry, current = None, None
            continue
        if entry is None:
            entry = Entry(line=number)
            entries.append(entry)
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
        elif line.startswith("#"):
            continue
        elif match := KEYWORD_LINE.match(line):
            current = match.group(1)
            entry.fields[current] = ast.literal_eval(match.group(2))
        elif line.startswith('"') and current is not None:
            entry.fields[current] += ast.literal_eval(line)
        else:
            raise AssertionError(f"django.po:{number}: cannot read {raw!r}")
    return [e for e in entries if "msgid" in e.fields]


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    return parse_po(PO_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def messages(po_entries: list[Entry]) -> list[Entry]:
    return [e for e in po_entries if e.msgid != ""]


def test_the_parser_reads_contexts_plurals_and_wrapped_strings() -> None:
    sample = (
        'msgid ""\nmsgstr "Language: ja\\n"\n\n'
        "#, fuzzy, python-format\n"
        'msgctxt "list separator"\nmsgid ", "\nmsgstr "、"\n\n'
        'msgid "%(counter)s place"\nmsgid_plural "%(counter)s places"\nmsgstr[0] ""\n\n'
        'msgid ""\n"Long "\n"\\"text\\""\nmsgstr "長い"\n'
    )

    header, separator, plural, wrapped = parse_po(sample)

    assert header.msgid == ""
    assert header.translations == ["Language: ja\n"]
    assert separator.key == "list separator\x04, "
    assert separator.flags == {"fuzzy", "python-format"}
    assert plural.fields["msgid_plural"] == "%(counter)s places"
    assert plural.translations == [""]
    assert wrapped.msgid == 'Long "text"'
    assert wrapped.line == 13


def test_the_header_declares_japanese_utf8_and_one_plural_form(po_entries: list[Entry]) -> None:
    header = po_entries[0]
    assert header.msgid == ""
    assert "fuzzy" not in header.flags
    text = header.translations[0]
    assert "Language: ja\n" in text
    assert "charset=UTF-8" in text
    assert "Plural-Forms: nplurals=1; plural=0;\n" in text


def test_every_entry_is_translated_and_none_is_fuzzy(messages: list[Entry]) -> None:
    untranslated = [e.describe() for e in messages if not e.translations or not all(e.translations)]
    fuzzy = [e.describe() for e in messages if "fuzzy" in e.flags]
    wrong_plural_count = [e.describe() for e in messages if "msgid_plural" in e.fields and len(e.translations) != 1]

    assert len(messages) > 400
    assert untranslated == [], "Untranslated:\n" + "\n".join(untranslated)
    assert fuzzy == [], "Still marked fuzzy:\n" + "\n".join(fuzzy)
    assert wrong_plural_count == [], "Japanese has one plural form (msgstr[0] only):\n" + "\n".join(wrong_plural_count)


def test_translations_keep_the_placeholders_of_the_source(messages: list[Entry]) -> None:
    placeholder = re.compile(r"%\([a-z_]+\)[sd]|%%")
    mismatched = [
        e.describe()
        for e in messages
        for translation in e.translations
        if sorted(placeholder.findall(e.msgid)) != sorted(placeholder.findall(translation))
    ]

    assert mismatched == [], "Placeholders differ from the source:\n" + "\n".join(mismatched)


def test_the_compiled_catalogue_is_in_step_with_the_po_file(messages: list[Entry]) -> None:
    with MO_FILE.open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = []
    for e in messages:
        if "msgid_plural" in e.fields:
            got = (
                [compiled.npgettext(e.fields["msgctxt"], e.msgid, e.fields["msgid_plural"], 1)]
                if "msgctxt" in e.fields
                else [compiled.ngettext(e.msgid, e.fields["msgid_plural"], 1)]
            )
        elif "msgctxt" in e.fields:
            got = [compiled.pgettext(e.fields["msgctxt"], e.msgid)]
        else:
            got = [compiled.gettext(e.msgid)]
        if got != e.translations:
            stale.append(f"{e.describe()}: .mo has {got!r}")

    assert stale == [], "django.mo differs from django.po; run compilemessages:\n" + "\n".join(stale)


@pytest.mark.django_db
def test_a_visitor_whose_browser_asks_for_japanese_gets_japanese_pages(client: Client) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ja")

    html = response.content.decode()
    assert response.status_code == 200
    assert "本文へスキップ" in html
    assert "文字サイズ" in html
    assert "Skip to main content" not in html


# Placeholders (%(name)s) and the Markdown link syntax a help text shows as an example are not brackets.
NOT_TEXT = re.compile(r"%\([a-z_]+\)[sd]|\[[^\]]*\]\([^)]*\)")
JAPANESE_TEXT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def test_japanese_uses_full_width_brackets_and_no_em_dash(messages: list[Entry]) -> None:
    """Japanese text takes （） with no space before them, and separates without an em dash (「—」)."""
    faults = [
        f"{e.describe()} -> {translation!r}"
        for e in messages
        for translation in e.translations
        if JAPANESE_TEXT.search(translation)
        and (re.search(r"[()]", NOT_TEXT.sub("", translation)) or "\u2014" in translation)
    ]

    assert faults == [], "Half-width brackets or an em dash in Japanese:\n" + "\n".join(faults)


def test_no_word_for_translation_hides_in_an_f_string() -> None:
    # makemessages does not read inside f-strings: a word found only there leaves the catalogue at
    # the next `make messages` and shows in English on Japanese pages (a card's 「申込締切」 did).
    import ast
    from pathlib import Path

    import manabiba

    translating = {"_", "gettext", "pgettext", "ngettext", "npgettext", "gettext_lazy", "pgettext_lazy"}
    hidden = []
    for path in sorted(Path(manabiba.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                hidden.extend(
                    f"{path.name}:{inner.lineno}"
                    for inner in ast.walk(node)
                    if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) and inner.func.id in translating
                )
    assert hidden == []
