from __future__ import annotations

from pathlib import Path

from kenning.core.settings import Settings
from kenning.core.settings_file import load_settings, read_settings, save_settings


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


def _read(tmp_path: Path, text: str) -> tuple[Settings, list[str]]:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    loaded = read_settings(path)
    return loaded.settings, [issue.message for issue in loaded.issues]


def test_a_number_written_as_text_is_named_and_takes_its_default(tmp_path: Path) -> None:
    settings, messages = _read(tmp_path, '[index]\nmax_file_mb = "50"\nfollow_symlinks = true\n')
    assert settings.index.max_file_mb == 50.0  # the default, not the text
    assert settings.index.follow_symlinks is True  # the rest of the file still counts
    (message,) = messages
    assert str(tmp_path / "settings.toml") in message
    assert 'index.max_file_mb = "50"' in message
    assert "expected a number" in message and "using the default (50.0)" in message


def test_every_kind_of_wrong_type_is_reported(tmp_path: Path) -> None:
    text = (
        '[index]\nfollow_symlinks = "yes"\nignore = "*.tmp"\n'
        "[chunking]\ntarget_tokens = 200.5\n"
        "[ollama]\nnum_gpu = 2.5\n"
        "watch = 3\n"
    )
    settings, messages = _read(tmp_path, text)
    joined = "\n".join(messages)
    assert "index.follow_symlinks" in joined and "expected true or false" in joined
    assert "index.ignore" in joined and "expected a list of text" in joined
    assert "chunking.target_tokens = 200.5" in joined and "expected a whole number" in joined
    assert "ollama.num_gpu" in joined and "expected text or a whole number" in joined
    assert settings.chunking.target_tokens == Settings().chunking.target_tokens
    assert settings.index.ignore == Settings().index.ignore


def test_unknown_keys_and_sections_are_named_but_harmless(tmp_path: Path) -> None:
    settings, messages = _read(
        tmp_path, "[chunking]\ntarget_tokens = 120\nfuture_key = 1\n[newsection]\nx = 2\n"
    )
    assert settings.chunking.target_tokens == 120
    assert any("chunking.future_key" in m and "no such setting" in m for m in messages)
    assert any("newsection" in m and "no such setting" in m for m in messages)


def test_out_of_range_values_take_their_default(tmp_path: Path) -> None:
    settings, messages = _read(tmp_path, "[index]\nmax_file_mb = -3\n[search]\nk = 0\n")
    assert settings.index.max_file_mb == 50.0 and settings.search.k == Settings().search.k
    assert any("index.max_file_mb = -3" in m and "above 0 MB" in m for m in messages)
    assert any("search.k = 0" in m for m in messages)


def test_infinity_is_not_a_size(tmp_path: Path) -> None:
    settings, messages = _read(tmp_path, "[index]\nmax_file_mb = inf\n")
    assert settings.index.max_file_mb == 50.0
    assert any("finite" in m for m in messages)


def test_broken_toml_names_the_file_and_the_line(tmp_path: Path) -> None:
    settings, messages = _read(tmp_path, "[index]\nmax_file_mb = = 3\n")
    assert settings == Settings()
    (message,) = messages
    assert "not valid TOML" in message and "line 2" in message


def test_reading_never_rewrites_the_file(tmp_path: Path) -> None:
    text = '[index]\nmax_file_mb = "50"\n'
    _read(tmp_path, text)
    assert (tmp_path / "settings.toml").read_text(encoding="utf-8") == text


def test_the_saved_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    save_settings(Settings(), tmp_path / "s.toml")
    assert (tmp_path / "s.toml").stat().st_mode & 0o077 == 0
