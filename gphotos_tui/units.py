"""Camera values as people write them: f/2.8, 1/250 s, 4.7 mm, ISO 400.

Sources store plain numbers (seconds, millimetres, f-numbers); every screen,
report and export that shows them to a person goes through these helpers so
the same value always reads the same way. ``None`` gives ``""``.
"""

from __future__ import annotations

from fractions import Fraction


def _trim(value: float, digits: int = 1) -> str:
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text or "0"


def aperture(f_number: float | None) -> str:
    """f/2.8, f/11, f/1.45 (two decimals only when the lens has them)."""
    if f_number is None or f_number <= 0:
        return ""
    digits = 2 if abs(f_number * 10 - round(f_number * 10)) > 0.01 else 1
    return f"f/{_trim(f_number, digits)}"


def exposure(seconds: float | None) -> str:
    """1/250 s below a third of a second, then 0.5 s, 1 s, 2.5 s, 30 s."""
    if seconds is None or seconds <= 0:
        return ""
    if seconds < 0.3:
        denominator = round(1 / seconds)
        # 1/3 s style only when it really is one over a whole number (cameras write 10/2500).
        return f"1/{denominator} s" if denominator > 0 else ""
    return f"{_trim(seconds)} s"


def focal_length(mm: float | None, equivalent_35mm: float | None = None) -> str:
    """4.7 mm, or 4.7 mm (26 mm eq.) when the 35 mm equivalent is known and differs."""
    if mm is None or mm <= 0:
        return ""
    text = f"{_trim(mm)} mm"
    if equivalent_35mm and round(equivalent_35mm) != round(mm):
        text += f" ({round(equivalent_35mm)} mm eq.)"
    return text


def focal_length_35mm(mm: float | None) -> str:
    """24 mm (35 mm eq.): the equivalent on its own, for charts grouped by field of view."""
    if mm is None or mm <= 0:
        return ""
    return f"{round(mm)} mm (35 mm eq.)"


def iso(value: int | float | None) -> str:
    if value is None or value <= 0:
        return ""
    return f"ISO {int(value)}"


def utc_offset(minutes: int | None) -> str:
    """UTC+01:00, UTC-03:30, UTC (for zero)."""
    if minutes is None:
        return ""
    if minutes == 0:
        return "UTC"
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def duration(seconds: float | None) -> str:
    """0:07, 1:02:03 for videos."""
    if seconds is None or seconds < 0:
        return ""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def size_bytes(count: int | None, *, fixed: bool = False) -> str:
    """1.2 MB, 340 kB, 12 B (decimal SI units, as file managers show them).

    ``fixed`` keeps one decimal ("7.0 MB") so sizes line up in a column; the only size formatter there is.
    """
    if count is None or count < 0:
        return ""
    value = float(count)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            if unit == "B":
                return f"{int(value)} B"
            return f"{value:.1f} {unit}" if fixed else f"{_trim(value)} {unit}"
        value /= 1000
    return ""  # pragma: no cover


def megapixels(width: int | None, height: int | None) -> str:
    if not width or not height:
        return ""
    return f"{_trim(width * height / 1e6)} MP"


def coordinates(latitude: float | None, longitude: float | None) -> str:
    """52.5200° N, 13.4050° E."""
    if latitude is None or longitude is None:
        return ""
    ns = "N" if latitude >= 0 else "S"
    ew = "E" if longitude >= 0 else "W"
    return f"{abs(latitude):.4f}° {ns}, {abs(longitude):.4f}° {ew}"


def rational(value: Fraction | float) -> float:
    """A TIFF rational as a float, rounded away from binary noise."""
    return round(float(value), 6)
