"""Markdown loader: ATX and setext headings, code fences, front matter, titles."""

from __future__ import annotations

from collections.abc import Callable

from kenning.core.domain.documents import Document
from kenning.core.ingest.loaders import load_document

Load = Callable[[str], Document]

NOTE = """---
title: not a heading
---
Intro line before any heading.

Guide
=====

Some text.

## Install ##

```sh
# not a heading: a shell comment
## nor this
make install
```

~~~~
## still code
~~~
## still code after a shorter fence
~~~~

Setup details
-------------

    # indented code, not a heading

Text under setup.

A paragraph line
that continues
---

### [Linked `name`](https://example.com)
Last words.

# Second top
End.
"""


def _sections(text: str, name: str = "notes.md") -> list[tuple[tuple[str, ...], str]]:
    document = load_document(name, text.encode())
    return [(b.section, b.text) for b in document.blocks]


def test_headings_build_section_paths() -> None:
    sections = _sections(NOTE)
    assert [section for section, _ in sections] == [
        (),
        ("Guide",),
        ("Guide", "Install"),
        ("Guide", "Setup details"),
        ("Guide", "Setup details", "Linked name"),
        ("Second top",),
    ]
    assert sections[0][1] == "---\ntitle: not a heading\n---\nIntro line before any heading."
    install = sections[2][1]
    assert "## nor this" in install and "## still code after a shorter fence" in install
    assert "A paragraph line\nthat continues\n---" in sections[3][1]


def test_block_text_is_the_raw_file_text() -> None:
    document = load_document("notes.md", NOTE.encode())
    assert " ".join(document.text.split()) == " ".join(NOTE.split())


def test_title_is_the_first_level_one_heading_else_the_file_name() -> None:
    assert load_document("a/notes.md", NOTE.encode()).title == "Guide"
    assert load_document("a/notes.md", b"## Only a subheading\ntext\n").title == "notes"


def test_rsync_news_version_heading_is_the_context_of_its_items(load_doc: Load) -> None:
    document = load_doc("net/rsync/NEWS.md")
    sentence = "option to tell rsync that it should create a"
    (block,) = [b for b in document.blocks if sentence in b.text]
    assert block.section[0] == "NEWS for rsync 3.2.3 (6 Aug 2020)"


def test_curl_headings(load_doc: Load) -> None:
    document = load_doc("net/curl/MQTT.md")
    assert document.title == "MQTT in curl"
    assert ("MQTT in curl", "Caveats") in {b.section for b in document.blocks}
