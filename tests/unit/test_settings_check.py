from pathlib import Path

import pytest

from kenning import paths
from kenning.core.observe.costs import ReferencePrice, load_reference_prices, save_reference_prices
from kenning.core.settings import Settings
from kenning.core.settings_check import settings_problems


def test_defaults_have_no_problems() -> None:
    assert settings_problems(Settings(), reference_models=["gpt-4o-mini"]) == []


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (lambda s: setattr(s.ollama, "host", "ftp://example.org"), "host", "not an address"),
        (lambda s: setattr(s.chunking, "overlap_tokens", 200), "overlap_tokens", "smaller than the chunk"),
        (lambda s: setattr(s.embedding, "device", "tpu"), "device", "auto, cpu, cuda"),
        (
            lambda s: setattr(s.embedding, "engine", "int8"),
            "engine",
            "auto, fp32, bf16, fp16, openvino or openvino-f32",
        ),
        (lambda s: setattr(s.search, "candidates", 5), "candidates", "at least the passages"),
        (lambda s: setattr(s.ollama, "keep_alive", "soon"), "keep_alive", "duration"),
        (lambda s: setattr(s.ollama, "num_gpu", "lots"), "num_gpu", "layer count"),
        (lambda s: setattr(s.answer, "answer_tokens", 8000), "answer_tokens", "context size (4096)"),
        (lambda s: setattr(s.answer, "reference_model", "gpt-9"), "reference_model", "not in the reference"),
        (lambda s: setattr(s.index, "ignore", ["*.tmp", "  "]), "ignore", "blank"),
        (lambda s: setattr(s.ocr, "engine", "easyocr"), "engine", "auto, tesseract or rapidocr"),
        (lambda s: setattr(s.ocr, "languages", "eng, deu"), "languages", 'joined by "+"'),
    ],
)
def test_each_bad_value_is_named(change, field: str, words: str) -> None:  # type: ignore[no-untyped-def]
    settings = Settings()
    change(settings)
    problems = settings_problems(settings, reference_models=["gpt-4o-mini"])
    assert [p.field for p in problems] == [field]
    assert words in problems[0].message


def test_cuda_index_and_cpu_gpu_are_fine() -> None:
    settings = Settings()
    settings.embedding.device = "cuda:1"
    settings.ollama.num_gpu = "cpu"
    assert settings_problems(settings) == []


def test_prices_round_trip_and_override_wins(tmp_path: Path) -> None:
    prices = [ReferencePrice("model-a", 0.5, 1.5), ReferencePrice("model-b", 2.0, 8.0)]
    assert paths.reference_prices_file() == paths.bundled_reference_prices_file()
    save_reference_prices(prices, paths.reference_prices_override_file())
    assert paths.reference_prices_file() == paths.reference_prices_override_file()
    assert load_reference_prices(paths.reference_prices_file()) == prices
