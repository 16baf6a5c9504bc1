from pathlib import Path

from kenning.core.answer.chat_model_advice import GB, _meminfo_total, recommend_models, total_ram_bytes


def test_small_cpu_machine_gets_a_small_model() -> None:
    advice = recommend_models(8 * GB, has_gpu=False)
    assert advice[0].name == "llama3.2:3b"
    assert all(r.download_gb <= 2.0 for r in advice)
    assert "the CPU" in advice[0].reason


def test_big_gpu_machine_gets_a_bigger_model() -> None:
    advice = recommend_models(32 * GB, has_gpu=True)
    assert advice[0].name == "qwen2.5:14b"
    assert "llama3.1:8b" in [r.name for r in advice]


def test_large_ram_without_gpu_stays_fast() -> None:
    assert recommend_models(64 * GB, has_gpu=False)[0].name == "llama3.2:3b"


def test_tiny_machine_still_gets_one_with_a_caveat() -> None:
    advice = recommend_models(1 * GB, has_gpu=False)
    assert [r.name for r in advice] == ["qwen2.5:0.5b"]
    assert "tight" in advice[0].reason


def test_unknown_ram_assumes_8_gb() -> None:
    assert recommend_models(None, has_gpu=False) == recommend_models(8 * GB, has_gpu=False)


def test_ram_is_read(tmp_path: Path) -> None:
    assert (total_ram_bytes() or 0) > 100_000_000
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       16314632 kB\nMemFree: 1 kB\n")
    assert _meminfo_total(meminfo) == 16314632 * 1024
    assert _meminfo_total(tmp_path / "missing") is None
