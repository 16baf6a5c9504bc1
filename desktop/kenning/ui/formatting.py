"""Numbers as people read them: durations, money, token counts and sizes. No Qt here."""

from __future__ import annotations


def format_ms(ms: float) -> str:
    """0.4 ms, 12 ms, 1.23 s, 2 min 5 s."""
    if ms < 0:
        ms = 0.0
    if ms < 10:
        return f"{ms:.1f} ms"
    if ms < 1000:
        return f"{ms:.0f} ms"
    seconds = ms / 1000
    if seconds < 60:
        return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


def format_usd(usd: float) -> str:
    """Small amounts keep their first significant digits: $0.000012, $0.0031, $1.25."""
    if usd == 0:
        return "$0"
    sign = "-" if usd < 0 else ""
    usd = abs(usd)
    if usd >= 1:
        return f"{sign}${usd:,.2f}"
    if usd >= 0.01:
        return f"{sign}${usd:.3f}".rstrip("0").rstrip(".")
    text = f"{usd:.10f}"
    first = next(i for i, ch in enumerate(text) if ch not in "0.")
    return f"{sign}${text[: first + 2]}"


def format_count(n: float) -> str:
    """1,234 up to a hundred thousand; then 123k, 4.5M."""
    if abs(n) < 100_000:
        return f"{n:,.0f}"
    if abs(n) < 1_000_000:
        return f"{n / 1000:.0f}k"
    return f"{n / 1_000_000:.1f}M"


def format_bytes(n: float) -> str:
    """Decimal units, as Ollama and download pages show them: 397 MB, 2.02 GB."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            value = n / scale
            decimals = 2 if value < 10 else 1 if value < 100 else 0
            return f"{value:.{decimals}f} {unit}"
    return f"{n:.0f} B"


def format_value(value: float, unit: str) -> str:
    """A chart value in its unit: "ms" and "$" get their own formats, others a number and the unit."""
    if unit == "ms":
        return format_ms(value)
    if unit in ("$", "usd", "USD"):
        return format_usd(value)
    if unit == "Wh":
        return f"{value:.3g} Wh"
    number = format_count(value) if value >= 10 or value == int(value) else f"{value:.2g}"
    return f"{number} {unit}".strip()


def format_eta(seconds: float) -> str:
    """Time left as m:ss, e.g. "ETA 2:05"."""
    minutes, secs = divmod(int(seconds), 60)
    return f"ETA {minutes}:{secs:02d}"
