"""WCAG 2 contrast between two colours, so a hotel's colours keep its guest pages readable.

Pure arithmetic on ``#rrggbb`` strings (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio):
no request, no database, unit-tested on its own.
"""

from __future__ import annotations

import re

HEX_COLOUR = re.compile(r"#[0-9a-f]{6}")
# WCAG 2 level AA for normal text.
AA_NORMAL_TEXT = 4.5
WHITE = "#ffffff"
# The guest pages' ink (static/css/guest.css --ink), written on the accent colour.
INK = "#1d2a24"


def is_colour(value: str) -> bool:
    return bool(HEX_COLOUR.fullmatch(value or ""))


def _channels(colour: str) -> tuple[int, int, int]:
    if not is_colour(colour):
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _linear(channel: int) -> float:
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    red, green, blue = (_linear(channel) for channel in _channels(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """From 1 (the same colour) to 21 (black on white), whichever is lighter."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def darker(colour: str, share: float = 0.25) -> str:
    """``colour`` with each channel ``share`` nearer black: a hover shade that keeps white text readable."""
    return "#" + "".join(f"{round(channel * (1 - share)):02x}" for channel in _channels(colour))
