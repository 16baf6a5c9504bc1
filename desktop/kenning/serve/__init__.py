"""Kenning as a service for other tools: an MCP server and an OpenAI-compatible `/v1` API.

An app-entry layer beside `kenning.cli`: it builds on the core's `Workspace` and is never imported
by the core or the UI's panels. `documents` is the one face on the workspace that both protocols use
(search, ask, status, the indexed documents); `mcp_server` and `openai_api` translate it into each
protocol; `auth` guards the HTTP server (loopback, bearer token); `http_server` runs both in one
uvicorn process.
"""
