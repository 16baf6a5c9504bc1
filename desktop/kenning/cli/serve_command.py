"""`kenning serve`: the OpenAI-compatible `/v1` API (and MCP at `/mcp` with --mcp) over HTTP."""

from __future__ import annotations

import argparse

from kenning.cli.context import apply_model_options, open_workspace
from kenning.cli.output import emit_json, say


def run(args: argparse.Namespace) -> int:
    from kenning.serve.auth import check_exposure, resolve_token
    from kenning.serve.documents import DocumentService
    from kenning.serve.http_server import Address, serve

    workspace = open_workspace(args)
    apply_model_options(workspace, args)
    settings = workspace.settings.service
    host = args.host or settings.host
    port = settings.port if args.port is None else args.port
    with_mcp = settings.mcp if args.mcp is None else args.mcp
    token = resolve_token(workspace.secrets, create=with_mcp)
    check_exposure(host, token)  # before the model loads: a refusal should not take seconds
    service = DocumentService(workspace)
    service.warm_up()

    def announce(address: Address) -> None:
        described = address.describe(token)
        if args.json:
            emit_json(described, line=True)
            return
        say(f"Kenning is serving your documents at {described['openai_base_url']} (OpenAI-compatible)")
        if described["mcp_url"]:
            say(f"MCP (streamable HTTP): {described['mcp_url']}")
        if described["token"]:
            say(f"Access token (kept in the keyring): {described['token']}")
        elif token:
            say(f"Requests need 'Authorization: Bearer <token>' (token from the {token.source}).")
        say("Press Ctrl-C to stop.")

    try:
        serve(service, host=host, port=port, token=token, with_mcp=with_mcp, on_ready=announce)
    finally:
        workspace.close()
    return 0
