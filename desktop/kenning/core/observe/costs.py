"""What an answer cost: local energy and money, and what the same tokens would cost in the cloud."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import tomli_w

from kenning.core.domain.answers import Cost
from kenning.core.private_files import private_dir
from kenning.core.settings import AnswerSettings, OllamaSettings
from kenning.core.transport import is_local_host


@dataclass(frozen=True)
class ReferencePrice:
    model: str
    input_per_million: float
    output_per_million: float


def load_reference_prices(path: Path) -> list[ReferencePrice]:
    """The editable table in resources/reference_prices.toml; an unreadable file gives an empty table."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return []
    prices = []
    for entry in raw.get("model", []):
        try:
            prices.append(
                ReferencePrice(
                    str(entry["name"]), float(entry["input_per_million"]), float(entry["output_per_million"])
                )
            )
        except (KeyError, TypeError, ValueError):
            continue
    return prices


def save_reference_prices(prices: list[ReferencePrice], path: Path) -> None:
    """Write the table in the shape `load_reference_prices` reads, atomically."""
    table = {
        "model": [
            {
                "name": p.model,
                "input_per_million": p.input_per_million,
                "output_per_million": p.output_per_million,
            }
            for p in prices
        ]
    }
    private_dir(path.parent)  # the config folder, shared with settings.toml
    tmp = path.with_suffix(".toml.tmp")
    header = "# What the same tokens would cost at a cloud provider, in US dollars per million tokens.\n"
    tmp.write_text(header + tomli_w.dumps(table), encoding="utf-8")
    os.replace(tmp, path)


def model_power(answer: AnswerSettings, ollama: OllamaSettings, host: str) -> tuple[float, str]:
    """(watts, device) of whatever ran the model: this computer's CPU or GPU, or the remote server's
    own draw when the Ollama host is another machine (its energy, not this laptop's idle CPU)."""
    if host and not is_local_host(host):
        return ollama.remote_watts, "remote"
    if str(ollama.num_gpu) != "0":
        return answer.gpu_watts, "gpu"
    return answer.cpu_watts, "cpu"


def answer_cost(
    *,
    generation_seconds: float,
    watts: float,
    usd_per_kwh: float,
    prompt_tokens: int,
    completion_tokens: int,
    reference: ReferencePrice | None,
    device: str,
) -> Cost:
    """Energy = device watts x seconds the model worked; money = energy x price per kWh."""
    energy_wh = watts * max(0.0, generation_seconds) / 3600.0
    cloud = 0.0
    if reference is not None:
        cloud = (
            prompt_tokens * reference.input_per_million + completion_tokens * reference.output_per_million
        ) / 1_000_000
    return Cost(
        energy_wh=round(energy_wh, 6),
        local_usd=round(energy_wh / 1000.0 * usd_per_kwh, 8),
        cloud_equivalent_usd=round(cloud, 8),
        reference_model=reference.model if reference else "",
        device=device,
        watts=watts,
    )
