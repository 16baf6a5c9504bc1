"""An index of a few small real files, built once per session by the real `kenning index`."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.helpers.served import kenning

DOCUMENTS = {
    "caching/mod_expires.md": (
        "# Apache mod_expires\n\n## ExpiresByType\n\n"
        "The ExpiresByType directive sets how long browsers cache one type of file. "
        "ExpiresByType image/gif A2592000 makes GIF images expire after a month, "
        "2592000 seconds after the client accessed them.\n\n"
        "## ExpiresDefault\n\nExpiresDefault sets the expiry time for every other type of file.\n"
    ),
    "security/hsts.md": (
        "# HSTS in curl\n\n## Cache file\n\n"
        "curl keeps each HSTS entry in the HSTS cache file until the expiry date the server set "
        "with max-age. An entry for a host name forces HTTPS for that host.\n"
    ),
    "security/wireguard.txt": (
        "WireGuard peers are listed in wg0.conf. Each peer has a public key and its allowed IPs.\n"
    ),
}


@pytest.fixture(scope="session")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(docs folder, data dir) of an index of three small real documents."""
    docs = tmp_path_factory.mktemp("served-docs").resolve()
    for relative, text in DOCUMENTS.items():
        (docs / relative).parent.mkdir(parents=True, exist_ok=True)
        (docs / relative).write_text(text, encoding="utf-8")
    data = tmp_path_factory.mktemp("served-data")
    done = kenning("index", str(docs), "--data-dir", str(data), "--json")
    assert done.returncode == 0, done.stderr
    return docs, data
