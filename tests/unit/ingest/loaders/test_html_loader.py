"""HTML loader: boilerplate removal on real manuals, heading paths, tables, <pre>, encodings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kenning.core.domain.documents import Document
from kenning.core.ingest.loaders import load_document

Load = Callable[[str], Document]


def _html_files(docs: Path, folder: str) -> list[str]:
    return sorted(str(p.relative_to(docs)) for p in (docs / folder).rglob("*.html"))


# The boilerplate the corpus README names, as it would appear in each family's text:
# (substrings that must not occur, whole lines that must not occur).
BOILERPLATE: dict[str, tuple[list[str], set[str]]] = {
    "web/apache": (
        ["Available Languages", "Modules | Directives", "HTTP Server > Documentation", "Sitemap"],
        set(),
    ),
    "shells/zsh": (["[ << ]", "[ Up ]", "[Contents]", "[ ? ]"], set()),
    "gnu/m4": (["Next: ", "Up: ", "[Contents]"], set()),
    "git": (["Last updated"], set()),
    "debian/securing-debian": ([], {"Prev", "Next", "Up", "Home"}),
}


@pytest.mark.parametrize("folder", sorted(BOILERPLATE))
def test_site_boilerplate_is_gone(folder: str, docs: Path, load_doc: Load) -> None:
    files = _html_files(docs, folder)
    substrings, lines = BOILERPLATE[folder]
    assert files
    for relative in files:
        text = load_doc(relative).text
        for marker in substrings:
            assert marker not in text, f"{marker!r} left in {relative}"
        assert not lines & set(text.splitlines()), f"navigation lines left in {relative}"


def test_evidence_of_other_formats_is_found(file_question: dict[str, Any], load_doc: Load) -> None:
    sources = [s for s in file_question["sources"] if not s.endswith(".pdf")]
    evidence = file_question["evidence"]
    quotes = evidence if isinstance(evidence, list) else [evidence]
    text = " ".join(" ".join(load_doc(s).text.split()) for s in sources)
    pdf_only = [q for q in quotes if " ".join(str(q).split()) not in text]
    # A multi-source question may quote its PDF source only in some quotes; at least one must be here.
    assert len(pdf_only) < len(quotes), f"none of {quotes!r} found in {sources}"
    if not any(s.endswith(".pdf") for s in file_question["sources"]):
        assert not pdf_only, f"{pdf_only!r} not found in {sources}"


def test_apache_headings_and_directive_tables(load_doc: Load) -> None:
    document = load_doc("web/apache/modules/mod_dir.html")
    assert document.title == "mod_dir - Apache HTTP Server Version 2.4"
    sections = {b.section for b in document.blocks}
    assert ("Apache Module mod_dir", "DirectoryIndex Directive") in sections
    assert ("Apache Module mod_dir", "DirectoryIndex Directive", "Example") in sections
    assert "Default: | DirectoryIndex index.html" in document.text.splitlines()


def test_texinfo_headings(load_doc: Load) -> None:
    document = load_doc("shells/zsh/manual/Files.html")
    assert [b.section for b in document.blocks] == [
        ("5 Files", "5.1 Startup/Shutdown Files"),
        ("5 Files", "5.2 Files"),
    ]


PAGE = """<!DOCTYPE html>
<html><head><title>Garden notes</title><style>p {color: red}</style><script>var x = 1;</script></head>
<body>
<a href="#main">Skip to main content</a>
<div class="navbar"><a href="/">Home</a> | <a href="/a">About</a> | <a href="/b">Blog</a></div>
<div id="breadcrumbs"><a href="/">Home</a> &gt; <a href="/g">Garden</a></div>
<main>
  <h1>Tomatoes <a class="headerlink" href="#t">¶</a></h1>
  <p>Plant them <em>after</em> the last frost.</p>
  <p hidden>Hidden text.</p>
  <h2>Watering</h2>
  <p>Water deeply<br>twice a week.</p>
  <pre>  def water():
      return "deeply"</pre>
  <div class="language-python highlight"><pre>print("kept")</pre></div>
  <h3>In pots</h3>
  <table><caption>Litres per week</caption>
    <tr><th>Pot</th><th>Litres</th></tr><tr><td>10 l</td><td>4</td></tr></table>
  <h2>Harvest</h2>
  <ul><li>Pick when red.</li><li>Store at room temperature.</li></ul>
  <aside>Related: cucumbers</aside>
</main>
<footer>Copyright 2024 Garden Inc.</footer>
</body></html>
"""


def test_main_content_sections_and_layout() -> None:
    document = load_document("garden.html", PAGE.encode())
    assert document.title == "Garden notes"
    assert [(b.section, b.text) for b in document.blocks] == [
        (("Tomatoes",), "Tomatoes\nPlant them after the last frost."),
        (
            ("Tomatoes", "Watering"),
            'Watering\nWater deeply\ntwice a week.\n  def water():\n      return "deeply"\nprint("kept")',
        ),
        (("Tomatoes", "Watering", "In pots"), "In pots\nLitres per week\nPot | Litres\n10 l | 4"),
        (("Tomatoes", "Harvest"), "Harvest\nPick when red.\nStore at room temperature."),
    ]


def test_boilerplate_is_dropped_without_a_main_element() -> None:
    page = PAGE.replace("<main>", "<div>").replace("</main>", "</div>")
    text = load_document("garden.html", page.encode()).text
    for gone in ("Skip to", "Home", "Blog", "Garden Inc", "cucumbers", "Hidden text", "var x", "color"):
        assert gone not in text
    assert "Plant them after the last frost." in text


def test_a_long_block_is_kept_whatever_its_class() -> None:
    body = " ".join(["The sidebar class must not hide real content."] * 60)
    page = f"<html><body><div class='with-sidebar'><p>{body}</p></div></body></html>"
    assert load_document("page.html", page.encode()).text == body


def test_declared_charset_and_xml_declaration() -> None:
    page = (
        '<?xml version="1.0" encoding="iso-8859-1"?>\n<html><head>'
        '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"></head>'
        "<body><p>Caf\xe9 cr\xe8me</p></body></html>"
    ).encode("latin-1")
    assert load_document("latin.xhtml", page).text == "Café crème"


def test_deeply_nested_markup_does_not_crash() -> None:
    depth = 5000
    page = "<html><body>" + "<div>" * depth + "deep text" + "</div>" * depth + "</body></html>"
    assert "deep text" in load_document("deep.html", page.encode()).text
