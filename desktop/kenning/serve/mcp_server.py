"""The MCP server: search, ask, status and the indexed documents as tools and resources.

Built with the official SDK (`mcp.server.mcpserver.MCPServer`); the same server runs over stdio
(`kenning mcp`, for desktop clients that launch it) or streamable HTTP (`kenning serve --mcp`).
Tools are plain functions: the SDK runs them on worker threads, so a slow answer never stalls the
protocol.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp.server.mcpserver.resources.templates import ResourceSecurity

from kenning.core.errors import KenningError
from kenning.serve.documents import DocumentService
from kenning.serve.untrusted import NOTICE, fenced

DOCUMENT_URI = "kenning://document/{+path}"
_T = TypeVar("_T")

INSTRUCTIONS = (
    "Kenning searches and answers from the user's own indexed documents on this computer. "
    "Use `search` for passages, `ask` for a cited answer, `list_documents` to see what is indexed, "
    f"and read a document as the resource {DOCUMENT_URI}. {NOTICE}"
)


def document_uri(path: str) -> str:
    return "kenning://document/" + quote(path.lstrip("/"), safe="/")


def build_mcp_server(service: DocumentService) -> MCPServer[Any]:
    server: MCPServer[Any] = MCPServer("kenning", instructions=INSTRUCTIONS, log_level="WARNING")

    @server.tool(
        description="Find passages in the user's indexed documents (hybrid vector and full-text search). "
        "Optional scope: `folders` (absolute folder paths) and `file_types` (suffixes such as pdf, md). "
        "Each hit has path, page, section, text, start/end offsets in the document and scores. " + NOTICE
    )
    def search(
        query: str, k: int = 10, folders: list[str] | None = None, file_types: list[str] | None = None
    ) -> dict[str, Any]:
        return _reported(lambda: service.search(query, k, folders=folders or (), file_types=file_types or ()))

    @server.tool(
        description="Answer a question from the user's indexed documents, with [n] citations checked "
        "against the sources; status is answered, not_found (the documents do not hold it), "
        "extractive (no language model) or error. Includes the sources and a trace (timings, "
        "tokens, cost). " + NOTICE
    )
    def ask(question: str) -> dict[str, Any]:
        return _reported(lambda: service.answer_document(service.ask(question)))

    @server.tool(description="What the index holds: folders, file and chunk counts, files that failed.")
    def status() -> dict[str, Any]:
        return _reported(service.status)

    @server.tool(
        description="The indexed documents: path, folder, pages, chunks, and the resource URI to read "
        "each one's text."
    )
    def list_documents() -> dict[str, Any]:
        documents = _reported(service.documents)
        return {"documents": [{**d, "uri": document_uri(d["path"])} for d in documents]}

    @server.resource(
        DOCUMENT_URI,
        name="document",
        description="The text of an indexed document, by its absolute path. " + NOTICE,
        mime_type="text/plain",
        # Any indexed path is fine, absolute by design; the service refuses every other file.
        security=ResourceSecurity(exempt_params={"path"}),
    )
    def document(path: str) -> str:
        absolute = path if path.startswith("/") or ":" in path[:3] else "/" + path
        try:
            return fenced(service.document_text(absolute), source=absolute)
        except KenningError as exc:
            raise ResourceError(_message(exc)) from exc

    return server


def _reported(work: Callable[[], _T]) -> _T:
    """A core failure becomes a tool error the client's model can read and act on."""
    try:
        return work()
    except KenningError as exc:
        raise ToolError(_message(exc)) from exc


def _message(exc: KenningError) -> str:
    return exc.message + (f" {exc.next_step}" if exc.next_step else "")
