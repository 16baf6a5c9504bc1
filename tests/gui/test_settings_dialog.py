"""The settings dialog: generated editors, validation, saving in the background, token and prices."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtWidgets import QDialogButtonBox, QLabel

from kenning import paths
from kenning.core.observe.costs import load_reference_prices
from kenning.core.secrets import SecretStore, token_secret_name
from kenning.core.settings import Settings
from kenning.core.settings_file import load_settings
from kenning.ui.settings_dialog import SettingsDialog


def _dialog(qtbot, runner, tmp_path: Path, store: SecretStore | None = None) -> SettingsDialog:  # type: ignore[no-untyped-def]
    dialog = SettingsDialog(
        Settings(),
        runner,
        secrets=store or SecretStore(),
        settings_path=tmp_path / "settings.toml",
        data_dir=tmp_path / "data",
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.token.isEnabled())  # the token and prices arrived from the worker
    return dialog


def _ok(dialog: SettingsDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_every_field_has_an_editor_with_its_help(qtbot, task_runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, task_runner, tmp_path)
    sections = [f.name for f in dataclasses.fields(Settings) if f.name != "version"]
    assert dialog.tabs.count() == len(sections) + 1  # one per section, and the cloud prices
    assert ("ollama", "num_ctx") in dialog.editors
    assert ("index", "ignore") in dialog.editors
    tip = dialog.editors[("chunking", "overlap_tokens")].widget.toolTip()
    assert tip.startswith("Tokens shared by neighbouring chunks")
    assert dialog.editors[("index", "ignore")].value()[:2] == [".*", "node_modules"]
    assert dialog.prices.model_names()[0] == "gpt-4o-mini"


def test_ok_saves_the_file_and_the_signal_carries_it(qtbot, task_runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, task_runner, tmp_path)
    dialog.editors[("search", "k")].set_value(7)
    dialog.editors[("ollama", "num_gpu")].set_value("0")
    dialog.editors[("index", "follow_symlinks")].set_value(True)
    dialog.editors[("index", "ignore")].set_value(["*.bak", "build"])
    with qtbot.waitSignal(dialog.settings_changed) as changed:
        _ok(dialog)
    saved = changed.args[0]
    assert (saved.search.k, saved.ollama.num_gpu, saved.index.follow_symlinks) == (7, 0, True)
    assert saved.index.ignore == ["*.bak", "build"]
    assert load_settings(tmp_path / "settings.toml") == saved
    assert not dialog.isVisible()
    assert not paths.reference_prices_override_file().exists()  # prices untouched: no copy written


def test_invalid_values_are_refused_with_a_message(qtbot, task_runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, task_runner, tmp_path)
    dialog.editors[("ollama", "host")].set_value("ftp://example.org")
    dialog.editors[("chunking", "overlap_tokens")].set_value(500)
    with qtbot.assertNotEmitted(dialog.settings_changed):
        _ok(dialog)
    text = dialog.error_label.text()
    assert (
        "Chunking › Overlap (tokens): The overlap must be smaller than the chunk size (200 tokens)." in text
    )
    assert "Ollama › Host: " in text
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "Chunking"
    assert dialog.isVisible()
    assert not (tmp_path / "settings.toml").exists()


def test_restore_defaults(qtbot, task_runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, task_runner, tmp_path)
    dialog.editors[("answer", "usd_per_kwh")].set_value(0.55)
    dialog.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).click()
    assert dialog.edited_settings() == Settings()


def test_token_goes_to_the_secret_store_with_its_warning(qtbot, task_runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = SecretStore()
    dialog = _dialog(qtbot, task_runner, tmp_path, store)
    assert dialog.token_warning.isHidden() == store.persistent
    if not store.persistent:
        assert "kept for this session only" in dialog.token_warning.text()
    dialog.token.setText("s3cret")
    with qtbot.waitSignal(dialog.settings_changed):
        _ok(dialog)
    name = token_secret_name(Settings().ollama.host)
    assert store.get(name) == "s3cret"
    store.delete(name)
    assert "s3cret" not in (tmp_path / "settings.toml").read_text()


def test_edited_prices_are_saved_as_a_copy(qtbot, task_runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, task_runner, tmp_path)
    table = dialog.prices.table
    table.item(0, 1).setText("0.2")
    dialog.editors[("answer", "reference_model")].set_value("gpt-4o")
    with qtbot.waitSignal(dialog.settings_changed) as changed:
        _ok(dialog)
    assert changed.args[0].answer.reference_model == "gpt-4o"
    copy = load_reference_prices(paths.reference_prices_override_file())
    assert (copy[0].model, copy[0].input_per_million) == ("gpt-4o-mini", 0.2)
    assert load_reference_prices(paths.bundled_reference_prices_file())[0].input_per_million == 0.15


def test_a_bad_price_is_refused(qtbot, task_runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, task_runner, tmp_path)
    dialog.prices.table.item(1, 2).setText("ten")
    with qtbot.assertNotEmitted(dialog.settings_changed):
        _ok(dialog)
    assert 'Prices for "gpt-4o" must be numbers' in dialog.error_label.text()
    assert dialog.tabs.currentIndex() == dialog.tabs.count() - 1


def test_ollama_host_from_the_environment_is_pointed_out(qtbot, task_runner, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OLLAMA_HOST", "http://gpu-box:11434")
    dialog = _dialog(qtbot, task_runner, tmp_path)
    notes = [label.text() for label in dialog.findChildren(QLabel) if "OLLAMA_HOST is set" in label.text()]
    assert notes == ["OLLAMA_HOST is set to http://gpu-box:11434; it overrides the host saved here."]
