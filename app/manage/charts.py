"""Chart labels that fit their column: wrapped at word boundaries, never cut mid-word."""

from __future__ import annotations

import textwrap

from app.manage import bp

# The label column holds about this many characters of the chart's font, on two lines at most.
LINE_CHARS = 24
MAX_LINES = 2
ELLIPSIS = "…"


@bp.app_template_filter("label_lines")
def label_lines(text, width: int = LINE_CHARS, lines: int = MAX_LINES) -> list[str]:
    """``text`` on at most ``lines`` lines of ``width`` characters, broken between words; what
    does not fit ends in an ellipsis (the chart keeps the whole text in a <title>). Only a
    single word longer than a line is cut, since nothing else can make it fit."""
    wrapped = textwrap.wrap(
        " ".join(str(text).split()),
        width=width,
        max_lines=lines,
        placeholder=" " + ELLIPSIS,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return [line if len(line) <= width else line[: width - 1] + ELLIPSIS for line in wrapped] or [""]
