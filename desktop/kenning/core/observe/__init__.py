"""Observe: what every stage cost, kept for the person and the dashboard.

`stage_timer` times stages; `trace_store` keeps traces; `trace_summary` turns them into p50/p95
figures; `costs` prices an answer in energy and cloud-equivalent money; `log_setup` configures the
JSON-lines log.
May use: the vocabulary only.
"""
