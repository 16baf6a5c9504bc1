from __future__ import annotations

from pathlib import Path

from kenning.core.settings import Settings, load_settings, save_settings


def test_round_trip_keeps_changed_values(tmp_path: Path) -> None:
    settings = Settings()
    settings.chunking.target_tokens = 150
    settings.index.ignore.append("*.bak")
    save_settings(settings, tmp_path / "s.toml")
    loaded = load_settings(tmp_path / "s.toml")
    assert loaded.chunking.target_tokens == 150
    assert "*.bak" in loaded.index.ignore


def test_unknown_keys_and_broken_files_fall_back_to_defaults(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text("[chunking]\ntarget_tokens = 120\nfuture_key = 1\n[newsection]\nx = 2\n")
    assert load_settings(path).chunking.target_tokens == 120
    path.write_text("this is = not [toml")
    assert load_settings(path) == Settings()
    assert load_settings(tmp_path / "missing.toml") == Settings()
