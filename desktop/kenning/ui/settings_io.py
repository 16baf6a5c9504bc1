"""The settings dialog's disk and keyring work, run on a worker: what it loads and what OK writes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kenning import paths
from kenning.core.observe.costs import ReferencePrice, load_reference_prices, save_reference_prices
from kenning.core.secrets import SecretStore, token_secret_name
from kenning.core.settings import Settings
from kenning.core.settings_file import save_settings


@dataclass(frozen=True)
class SettingsExtras:
    """What the dialog shows besides the settings file: the token, the keyring's warning, prices."""

    token: str
    secrets_warning: str
    prices: list[ReferencePrice]
    bundled_prices: list[ReferencePrice]


def load_extras(store: SecretStore, host: str) -> SettingsExtras:
    return SettingsExtras(
        store.get(token_secret_name(host)) or "",
        store.warning,
        load_reference_prices(paths.reference_prices_file()),
        load_reference_prices(paths.bundled_reference_prices_file()),
    )


def save_all(
    settings: Settings,
    path: Path,
    *,
    store: SecretStore,
    token: str | None,
    prices: list[ReferencePrice] | None,
) -> Settings:
    """Write the settings; `token` (None: leave it, "": remove it) and `prices` (None: leave them)."""
    save_settings(settings, path)
    if token is not None:
        name = token_secret_name(settings.ollama.host)
        if token:
            store.set(name, token)
        else:
            store.delete(name)
    if prices is not None:
        save_reference_prices(prices, paths.reference_prices_override_file())
    return settings
