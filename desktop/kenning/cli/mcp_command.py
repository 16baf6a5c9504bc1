"""`kenning mcp`: an MCP server over stdio, for clients that launch it (Claude Desktop, Cursor)."""

from __future__ import annotations

import argparse

from kenning.cli.context import apply_model_options, open_workspace


def run(args: argparse.Namespace) -> int:
    # stdout is the protocol channel from here on: nothing else may print to it.
    from kenning.serve.documents import DocumentService
    from kenning.serve.mcp_server import build_mcp_server

    workspace = open_workspace(args)
    apply_model_options(workspace, args)
    try:
        build_mcp_server(DocumentService(workspace)).run("stdio")
    finally:
        workspace.close()
    return 0
