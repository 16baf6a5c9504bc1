"""Renders the feedback links under an answer and the dashboard with a drift alert open to
resources/screenshots/14-feedback.png and 15-dashboard-alert.png (run by `make screenshots`).

Real widgets over a real trace store with answers written at controlled times; no index or model is
needed for these two states.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "desktop"), str(REPO)]

from tests.screenshots.render_screenshots import SIZE, pump, save  # noqa: E402

from kenning.core.domain.answers import Answer, AnswerStatus, Citation, Trace  # noqa: E402
from kenning.core.domain.documents import Hit  # noqa: E402
from kenning.core.observe.trace_store import THUMBS_DOWN, THUMBS_UP, TraceStore  # noqa: E402
from kenning.ui.app import application  # noqa: E402
from kenning.ui.chat_panel import ChatPanel  # noqa: E402
from kenning.ui.dashboard import DashboardView  # noqa: E402
from kenning.ui.tasks import TaskRunner  # noqa: E402
from kenning.ui.theme import apply_theme  # noqa: E402


def _answer(n: int, question: str, text: str) -> Answer:
    passage = "ssh -L 8080:localhost:80 host"
    hit = Hit(1, "/home/ada/Documents/openssh-tunnels.txt", None, (), passage, 0.8, 0, len(passage))
    trace = Trace(timings_ms={"total": 2400.0}, completion_tokens=42, id=f"answer{n}", status="answered")
    citation = Citation(n=1, path=hit.path, page=None, quote=hit.text, supported=True)
    return Answer(question, AnswerStatus.ANSWERED, text, [citation], [hit], "qwen2.5:3b", trace)


def _traces(path: Path) -> TraceStore:
    store = TraceStore(path)
    now = time.time()
    for n in range(24):  # a calm week
        store.append(Trace(timings_ms={"embed": 12.0, "retrieve": 40.0, "generate": 1800.0, "total": 2100.0},
                           prompt_tokens=900, completion_tokens=80, started_at=now - 86400 * (1.2 + n * 0.25),
                           status="answered", id=f"old{n}", question=f"old {n}", verified=True))  # fmt: skip
        store.set_feedback(f"old{n}", THUMBS_UP)
    questions = ("Which port does the VPN use?", "Where is the VPN client config?",
                 "Who approves VPN access?", "How do I renew the VPN certificate?",
                 "How do I forward a port with ssh?",
                 "What does ExpiresByType do?")  # fmt: skip
    for n, question in enumerate(questions):  # today: the VPN guide was moved out of the folder
        status = "not_found" if "VPN" in question else "answered"
        store.append(Trace(timings_ms={"embed": 12.0, "retrieve": 45.0, "generate": 1700.0, "total": 2000.0},
                           prompt_tokens=900, completion_tokens=60, started_at=now - 1800 * (n + 1),
                           status=status, id=f"new{n}", question=question,
                           verified=None if status == "not_found" else True))  # fmt: skip
        if status == "not_found":
            store.set_feedback(f"new{n}", THUMBS_DOWN, "the VPN guide is in my documents")
    return store


def main() -> None:
    app = application()
    apply_theme(app, "light")
    work = Path(tempfile.mkdtemp(prefix="kenning-feedback-shots-"))
    runner = TaskRunner()

    panel = ChatPanel()
    panel.resize(760, 420)
    panel.show()
    panel.show_conversation([
        _answer(0, "How do I forward a local port with ssh?",
                "Use `ssh -L 8080:localhost:80 host`: local port 8080 reaches port 80 on the host [1]."),
        _answer(1, "Which option keeps the tunnel open without a shell?",
                "Add `-N` so ssh forwards ports without running a remote command [1]."),
    ])  # fmt: skip
    panel.ratings["answer0"] = THUMBS_UP
    panel.show_conversation(panel.answers)
    pump(app, lambda: True)
    save(panel, "14-feedback")

    view = DashboardView(runner)
    view.resize(*SIZE)
    view.show()
    view.refresh(_traces(work / "traces.sqlite3"))
    pump(app, lambda: view.summary is not None, 30)
    view.alert_strip.buttons[0].click()
    pump(app, lambda: True)
    save(view, "15-dashboard-alert")
    runner.shutdown()


if __name__ == "__main__":
    main()
