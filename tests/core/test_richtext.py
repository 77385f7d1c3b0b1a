"""Markdown written by staff and citizens is shown formatted, and nothing in it can run."""

from django.template import Context, Template

from manabiba.core.richtext import render_markdown, sanitize_html


def test_markdown_becomes_formatted_html() -> None:
    html = render_markdown("## 持ち物\n\n- **筆記用具**\n- *上履き*\n\n> 雨天決行")
    assert "<h3>持ち物</h3>" in html
    assert "<li><strong>筆記用具</strong></li>" in html
    assert "<em>上履き</em>" in html
    assert "<blockquote>" in html


def test_a_top_level_heading_does_not_compete_with_the_page_title() -> None:
    assert render_markdown("# 講座の内容") == "<h2>講座の内容</h2>\n"


def test_tables_are_kept_without_inline_styles() -> None:
    html = render_markdown("| 回 | 内容 |\n|:--|--:|\n| 1 | 入門 |")
    assert "<table>" in html
    assert "<td>入門</td>" in html
    assert "style" not in html


def test_script_tags_are_not_run_but_shown_as_text() -> None:
    html = render_markdown("こんにちは<script>alert('x')</script>")
    assert "<script" not in html
    assert "&lt;script&gt;" in html


def test_javascript_and_data_links_are_not_links() -> None:
    html = render_markdown("[押して](javascript:alert(1)) [データ](data:text/html,hi)")
    assert "<a" not in html
    assert "href" not in html


def test_event_handler_attributes_are_removed() -> None:
    html = render_markdown('<a href="https://example.jp" onclick="steal()">x</a> <img src=x onerror=alert(1)>')
    # Raw HTML is shown as the text that was typed, never as markup.
    assert "<a " not in html
    assert "<img" not in html
    assert '&lt;a href="https://example.jp" onclick="steal()"&gt;x&lt;/a&gt;' in html


def test_the_sanitiser_alone_removes_handlers_scripts_and_bad_links() -> None:
    # The second line of defence, should the Markdown renderer ever let HTML through.
    html = sanitize_html(
        '<p onclick="steal()">本文</p><script>alert(1)</script>'
        '<a href="javascript:alert(1)" onmouseover="x()">リンク</a><h1 style="color:red">大見出し</h1>'
    )
    assert html == '<p>本文</p><a rel="nofollow ugc noopener">リンク</a>大見出し'


def test_links_are_marked_as_user_content_and_only_web_and_mail_schemes_pass() -> None:
    html = render_markdown("[市のサイト](https://www.city.nishitokyo.lg.jp/) [メール](mailto:info@example.jp)")
    assert '<a href="https://www.city.nishitokyo.lg.jp/" rel="nofollow ugc noopener">市のサイト</a>' in html
    assert '<a href="mailto:info@example.jp" rel="nofollow ugc noopener">メール</a>' in html
    other = render_markdown("[ファイル](file:///etc/passwd) [ftp](ftp://example.jp/)")
    assert "href" not in other


def test_images_become_their_description() -> None:
    html = render_markdown("![会場の外観](https://example.jp/a.jpg)")
    assert "<img" not in html
    assert "会場の外観" in html


def test_japanese_text_is_kept_intact() -> None:
    text = "西東京市の生涯学習講座「はじめてのスマホ教室」へようこそ。ｶﾀｶﾅ・①・〒202-8555"
    assert render_markdown(text) == f"<p>{text}</p>\n"


def test_empty_text_renders_nothing() -> None:
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


def test_the_template_filter_renders_and_sanitises() -> None:
    template = Template("{% load richtext %}{{ text|markdown }}")
    html = template.render(Context({"text": "**太字** <script>x()</script>"}))
    assert "<strong>太字</strong>" in html
    assert "<script>" not in html
