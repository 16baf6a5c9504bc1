"""The MCP server through the official SDK's own client: over stdio (`kenning mcp`) and over
streamable HTTP (`kenning serve --mcp`), against a real index and the fake Ollama."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from tests.fakes.fake_ollama import FakeOllama
from tests.helpers.served import kenning_env, served

pytestmark = pytest.mark.slow

QUESTION = "How do I make GIF images expire after a month?"
REPLY = "ExpiresByType image/gif A2592000 makes GIF images expire after a month [1]."
TOKEN = "mcp-test-token"


@pytest.fixture(scope="module")
def ollama() -> Iterator[FakeOllama]:
    fake = FakeOllama(reply=REPLY).start()
    yield fake
    fake.stop()
    assert not fake.handler_errors


def structured(result: Any) -> dict[str, Any]:
    assert not result.is_error, result.content
    return dict(result.structured_content)


async def exercise(session: ClientSession, docs: Path) -> None:
    """What a client's model would do: look around, search, ask, read a document."""
    await session.initialize()
    tools = {t.name: t for t in (await session.list_tools()).tools}
    assert tools.keys() >= {"search", "ask", "status", "list_documents"}
    assert "UNTRUSTED DOCUMENT DATA" in (tools["search"].description or "")

    status = structured(await session.call_tool("status", {}))
    assert status["files"] == 3 and status["roots"] == [str(docs)]

    listed = structured(await session.call_tool("list_documents", {}))["documents"]
    expires = str(docs / "caching" / "mod_expires.md")
    assert [d["path"] for d in listed] == sorted(str(p) for p in docs.rglob("*.*"))

    found = structured(await session.call_tool("search", {"query": "GIF images expire", "k": 3}))
    assert found["hits"][0]["path"] == expires and found["hits"][0]["trust"] == "untrusted document data"
    assert {"page", "section", "text", "start", "end", "score"} <= found["hits"][0].keys()
    assert "ExpiresByType" in found["hits"][0]["section"] or "ExpiresByType" in found["hits"][0]["text"]

    # A scope keeps the search to one folder / one file type.
    scoped = await session.call_tool(
        "search", {"query": "expiry", "folders": [str(docs / "security")], "file_types": ["md"]}
    )
    assert {h["path"] for h in structured(scoped)["hits"]} == {str(docs / "security" / "hsts.md")}

    answer = structured(await session.call_tool("ask", {"question": QUESTION}))
    assert answer["status"] == "answered" and answer["answer"] == REPLY
    assert answer["citations"][0] | {"quote": ""} == {
        "n": 1, "path": expires, "page": None, "quote": "", "supported": True,
    }  # fmt: skip
    assert answer["trace"]["tokens"]["completion"] > 0

    missing = await session.call_tool("ask", {"question": "Which peers does the Zorblax VPN have?"})
    assert structured(missing)["status"] == "not_found"

    uri = next(d["uri"] for d in listed if d["path"] == expires)
    text = (await session.read_resource(uri)).contents[0].text  # type: ignore[union-attr]
    assert text.startswith("<<<BEGIN UNTRUSTED DOCUMENT DATA") and "A2592000" in text


def test_stdio_client_searches_asks_and_reads(small_index: tuple[Path, Path], ollama: FakeOllama) -> None:
    docs, data = small_index
    params = StdioServerParameters(
        command=sys.executable,
        args=[
            "-m",
            "kenning",
            "mcp",
            "--data-dir",
            str(data),
            "--ollama-host",
            ollama.url,
            "--model",
            "llama3.2",
        ],
        env=kenning_env(),
    )

    async def run() -> None:
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await exercise(session, docs)

    anyio.run(run)


def test_streamable_http_client_with_the_token(small_index: tuple[Path, Path], ollama: FakeOllama) -> None:
    docs, data = small_index
    args = ("--mcp", "--data-dir", str(data), "--ollama-host", ollama.url, "--model", "llama3.2")
    with served(*args, env={"KENNING_API_TOKEN": TOKEN}) as address:
        assert address["mcp_url"].endswith("/mcp")

        async def run() -> None:
            http = create_mcp_http_client(headers={"Authorization": f"Bearer {TOKEN}"})
            async with (
                http,
                streamable_http_client(address["mcp_url"], http_client=http) as (read, write),
                ClientSession(read, write) as session,
            ):
                await exercise(session, docs)
            refused = create_mcp_http_client()
            async with refused:
                response = await refused.post(address["mcp_url"], json={"jsonrpc": "2.0", "id": 1})
            assert (
                response.status_code == 401
                and "access token" in json.loads(response.text)["error"]["message"]
            )

        anyio.run(run)


def test_mcp_over_http_makes_a_token_when_none_is_set(small_index: tuple[Path, Path]) -> None:
    _, data = small_index
    with served("--mcp", "--data-dir", str(data)) as address:
        assert address["token_required"] and address["token_source"] == "new" and len(address["token"]) > 30
