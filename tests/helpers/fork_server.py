"""Start `kenning` commands as real, killable processes without paying Python's imports each time.

Run as a script, this process imports what `kenning index` needs (torch, sentence-transformers,
LanceDB: ~8 s here) once, without using any of it, then reads JSON requests on stdin:
`{"run": [argv...], "out": path}` forks a child that runs `kenning.cli.main.main(argv)` with stdout
and stderr in `out` and answers its pid; `{"wait": pid}` reaps it and answers its exit status
(negative: killed by that signal); `{"wait": pid, "timeout": s}` answers "running" instead if the
child has not exited within s seconds. A child is an ordinary process: SIGKILL it from anywhere.
"""

from __future__ import annotations

import json
import os
import select
import sys
import warnings


def exited_within(pid: int, timeout: float) -> bool:
    """Whether the child exits within `timeout` seconds: its pidfd turns readable when it does."""
    fd = os.pidfd_open(pid)
    try:
        readable, _, _ = select.select([fd], [], [], timeout)
        return bool(readable)
    finally:
        os.close(fd)


def serve() -> None:
    import lancedb  # noqa: F401  # imported, not used: no runtime threads exist yet at fork time
    import sentence_transformers  # noqa: F401

    from kenning.cli import index_command, main, search_command, status_command  # noqa: F401
    from kenning.core import workspace  # noqa: F401
    from kenning.core.index import indexer, store  # noqa: F401

    # LanceDB warns that forking after its import is experimental: its runtime is reset in the child,
    # and this process never runs a LanceDB operation that a fork could interrupt.
    warnings.filterwarnings("ignore", message="lancedb fork support", category=RuntimeWarning)
    print("ready", flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        if "run" in request:
            pid = os.fork()
            if pid == 0:
                fd = os.open(request["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                os.dup2(fd, 1)
                os.dup2(fd, 2)
                code = 1
                try:
                    code = main.main(request["run"])
                finally:
                    sys.stdout.flush()
                    sys.stderr.flush()
                    os._exit(code)
            print(pid, flush=True)
        elif "wait" in request:
            pid = int(request["wait"])
            if "timeout" in request and not exited_within(pid, float(request["timeout"])):
                print("running", flush=True)
                continue
            _, status = os.waitpid(pid, 0)
            print(os.waitstatus_to_exitcode(status), flush=True)


if __name__ == "__main__":
    serve()
