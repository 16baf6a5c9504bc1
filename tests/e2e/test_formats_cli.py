"""`kenning index` then `kenning search` over one file of every format: each passage found, cited right."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from tests.e2e.test_cli import as_json, kenning

pytestmark = pytest.mark.slow

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "formats"
# query -> (file, section as the CLI prints it, page)
EXPECTED = {
    "Q3 revenue of the North region": ("budget.xlsx", "Revenue > A2:E3", None),
    "how many brass lanterns are in the inventory": ("inventory.xls", "Inventory > A2:C3", None),
    "who is the mayor of Lyon": ("cities.csv", "cities > A2:C3", None),
    "backup supplier in Tromsø": ("roadmap.pptx", "Risks", 2),
    "map lichen yellow-green patches": ("lichens.odt", "Field guide > Identification", None),
    "apple harvest of the Hillside orchard": ("harvest.ods", "Harvest > A2:B3", None),
    "thank the recruiting team in Porto": ("allhands.odp", "Hiring", 2),
    "the keeper trimmed the wick at midnight": ("lighthouse.epub", "Chapter One: The Storm", None),
    "lantern restoration fund": (
        "meeting.eml",
        "Budget review moved to Thursday > Attachment: agenda.docx > Agenda",
        None,
    ),
    "when does the herring festival return": ("archive.mbox", "Newsletter", None),
    "the café roof needs new slate tiles": ("letter.rtf", "", None),
}


def test_every_format_is_indexed_and_its_passages_found(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in {file for file, _, _ in EXPECTED.values()}:
        shutil.copy2(SAMPLES / name, docs / name)
    data = tmp_path / "data"
    report = as_json(kenning("index", str(docs), "--data-dir", str(data), "--json"))
    assert (report["indexed"], report["errors"], report["skipped"]) == (len(EXPECTED), [], [])

    done = kenning(
        "search", "--from", "-", "--k", "3", "--data-dir", str(data), "--json", stdin="\n".join(EXPECTED)
    )
    assert done.returncode == 0, done.stderr
    for line in done.stdout.splitlines():
        result = json.loads(line)
        file, section, page = EXPECTED[result["query"]]
        top = result["hits"][0]
        assert (Path(top["path"]).name, top["section"], top["page"]) == (file, section, page), result["query"]
