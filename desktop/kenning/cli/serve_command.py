"""`kenning serve`: the OpenAI-compatible `/v1` API (and MCP at `/mcp` with --mcp) over HTTP."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from kenning.cli.context import apply_model_options, open_workspace
from kenning.cli.output import emit_json, say

# Set by the desktop app for the service it starts: stop when stdin closes, which the system does
# when the app ends in any way (quit, crash, killed), so the service never outlives it.
STOP_WITH_PARENT_ENV = "KENNING_STOP_WITH_PARENT"


def _stop_when_stdin_closes() -> None:
    def watch() -> None:
        try:
            while sys.stdin.buffer.read(4096):
                pass  # the app writes nothing; anything it did is ignored
        except (OSError, ValueError):
            pass
        # Handled by the server as Ctrl-C would be (a clean stop); before it runs, ends the process.
        signal.raise_signal(signal.SIGTERM)

    threading.Thread(target=watch, name="stop with the app", daemon=True).start()


def run(args: argparse.Namespace) -> int:
    if os.environ.get(STOP_WITH_PARENT_ENV) == "1":
        _stop_when_stdin_closes()
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
