"""The answer-details panel and the charts render what they are given."""

from __future__ import annotations

from kenning.core.domain.answers import Answer, AnswerStatus, Citation, Cost, Trace
from kenning.ui.charts import HorizontalBarChart, TimeSeriesChart
from kenning.ui.details_panel import AnswerDetailsPanel


def _answer() -> Answer:
    trace = Trace(
        timings_ms={
            "embed": 12.5,
            "retrieve": 40.0,
            "prompt": 1.2,
            "load": 850.0,
            "prompt_eval": 300.0,
            "first_token": 1210.0,
            "generate": 2400.0,
            "validate": 8.0,
            "total": 3650.0,
        },
        prompt_tokens=1534,
        completion_tokens=87,
        tokens_per_s=36.25,
        model="llama3.2:latest",
        model_digest="a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
        cost=Cost(
            energy_wh=0.0167,
            local_usd=0.000005,
            cloud_equivalent_usd=0.00028,
            reference_model="gpt-4o-mini",
            device="cpu",
            watts=25.0,
        ),
        status="answered",
    )
    return Answer(
        question="How long may a browser cache an image?",
        status=AnswerStatus.ANSWERED,
        text="One month [1]. Forever [2].",
        citations=[
            Citation(1, "/docs/mod_expires reference.docx", None, "ExpiresByType image/png ...", True),
            Citation(2, "/docs/curl-http-cookies.md", 3, "Cookies ...", False, sentence="Forever [2]."),
        ],
        model="llama3.2:latest",
        trace=trace,
        invalid_citations=[5],
    )


def test_details_panel_renders_a_trace(qtbot) -> None:
    panel = AnswerDetailsPanel()
    qtbot.addWidget(panel)
    panel.show_answer(_answer())
    labels = [label for label, _ in panel.chart.bars()]
    assert labels == [
        "Embed question",
        "Retrieve",
        "Build prompt",
        "Load model",
        "Read prompt",
        "First token",
        "Generate",
        "Check citations",
    ]
    assert "Generate: 2.40 s" in panel.chart.value_texts()
    assert panel.value_text("total") == "3.65 s"
    assert panel.value_text("local") == "$0.0000050"
    assert panel.value_text("cloud") == "$0.00028 at gpt-4o-mini prices"
    assert panel.value_text("tokens") == "1,534 in / 87 out"
    assert panel.value_text("speed") == "36.2 tokens/s"
    assert panel.value_text("model") == "llama3.2:latest (a80c4f17acd5)"
    warning = panel.warning_text()
    assert "[2] not supported by curl-http-cookies.md, page 3" in warning
    assert "[5] cites a source that does not exist" in warning
    assert "[1]" not in warning


def test_details_panel_clear_and_no_problems(qtbot) -> None:
    panel = AnswerDetailsPanel()
    qtbot.addWidget(panel)
    answer = _answer()
    answer.citations = answer.citations[:1]
    answer.invalid_citations = []
    panel.show_answer(answer)
    assert panel.warning_text() == ""
    panel.clear()
    assert panel.chart.bars() == []
    assert panel.value_text("total") == ""


def test_time_series_chart_checks_lengths_and_empty_state(qtbot) -> None:
    chart = TimeSeriesChart(empty_text="No answers yet")
    qtbot.addWidget(chart)
    assert chart.is_empty()
    chart.set_series(["11-24", "11-25"], {"local": [0.0, 0.01], "cloud": [0.0, 0.2]}, "$")
    assert not chart.is_empty()
    assert "cloud: 11-24 $0, 11-25 $0.2" in chart.accessibleDescription()
    chart.resize(400, 200)
    assert not chart.grab().isNull()
    bars = HorizontalBarChart()
    qtbot.addWidget(bars)
    bars.set_bars([("embed", 10.0)], behind=[30.0], behind_name="p95")
    assert bars.value_texts() == ["embed: 10 ms · p95 30 ms"]


def test_details_panel_says_where_the_answer_was_computed(qtbot) -> None:
    panel = AnswerDetailsPanel()
    qtbot.addWidget(panel)
    local = _answer()
    local.trace.host = "http://127.0.0.1:11434"
    panel.show_answer(local)
    assert panel.value_text("where") == "Computed on this computer"
    assert panel.value_text("energy") == "0.0167 Wh on the CPU at 25 W"
    remote = _answer()
    remote.trace.host = "http://gpu-box:11434"
    remote.trace.cost = Cost(energy_wh=0.2, device="remote", watts=300.0)
    panel.show_answer(remote)
    assert panel.value_text("where") == "Computed on gpu-box:11434 (remote)"
    assert panel.value_text("energy") == "0.2 Wh on gpu-box:11434 at 300 W"
