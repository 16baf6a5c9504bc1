from __future__ import annotations

from pathlib import Path

import pytest

from kenning.core.domain.answers import Cost, Trace
from kenning.core.observe.costs import ReferencePrice, answer_cost, load_reference_prices, model_power
from kenning.core.observe.trace_store import TraceStore
from kenning.core.settings import AnswerSettings, OllamaSettings
from kenning.paths import reference_prices_file


def test_energy_and_money_follow_watts_seconds_and_prices() -> None:
    cost = answer_cost(
        generation_seconds=36.0,
        watts=50.0,
        usd_per_kwh=0.40,
        prompt_tokens=2000,
        completion_tokens=500,
        reference=ReferencePrice("gpt-x", input_per_million=2.0, output_per_million=8.0),
        device="gpu",
    )
    assert cost.energy_wh == pytest.approx(0.5)  # 50 W for 1/100 h
    assert cost.local_usd == pytest.approx(0.0002)  # 0.0005 kWh x $0.40
    assert cost.cloud_equivalent_usd == pytest.approx(0.008)  # 2000 x 2/1e6 + 500 x 8/1e6
    assert (cost.reference_model, cost.device) == ("gpt-x", "gpu")


def test_the_shipped_reference_price_table_loads() -> None:
    prices = load_reference_prices(reference_prices_file())
    assert len(prices) >= 3 and all(p.input_per_million > 0 and p.output_per_million > 0 for p in prices)


def test_traces_are_stored_and_summarised(tmp_path: Path) -> None:
    store = TraceStore(tmp_path / "traces.sqlite3")
    for i in range(20):
        store.append(
            Trace(
                timings_ms={"embed": 10.0 + i, "generate": 1000.0 + 10 * i, "total": 1200.0 + 10 * i},
                prompt_tokens=100,
                completion_tokens=20,
                model="m",
                cost=Cost(energy_wh=0.1, local_usd=0.001, cloud_equivalent_usd=0.01),
                started_at=1_700_000_000.0 + i,
                status="answered",
            )
        )
    last = store.last(5)
    assert [t.timings_ms["embed"] for t in last] == [29.0, 28.0, 27.0, 26.0, 25.0]
    stats = store.stage_percentiles()
    assert stats["embed"]["p50"] == pytest.approx(19.5) and stats["embed"]["p95"] == pytest.approx(28.05)
    assert stats["total"]["n"] == 20
    assert store.totals_per_day(days=100000) == [
        {"day": "2023-11-14", "answers": 20, "prompt_tokens": 2000, "completion_tokens": 400,
         "energy_wh": pytest.approx(2.0), "local_usd": pytest.approx(0.02), "cloud_usd": pytest.approx(0.2)}
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("host", "num_gpu", "power"),
    [
        ("http://127.0.0.1:11434", "auto", (60.0, "gpu")),
        ("http://localhost:11434", 0, (25.0, "cpu")),
        ("http://gpu-box:11434", "auto", (300.0, "remote")),
        ("https://ollama.example.com:443", 0, (300.0, "remote")),  # the server's device, not ours
    ],
)
def test_energy_is_counted_on_the_machine_that_ran_the_model(
    host: str, num_gpu: str | int, power: tuple[float, str]
) -> None:
    answer = AnswerSettings(cpu_watts=25.0, gpu_watts=60.0)
    ollama = OllamaSettings(host=host, num_gpu=num_gpu, remote_watts=300.0)
    assert model_power(answer, ollama, host) == power
