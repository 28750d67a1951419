"""WCAG 2 contrast arithmetic, checked against the values the W3C's own examples and tools give."""

from __future__ import annotations

import pytest

from app.services import contrast


def test_black_on_white_is_21_and_a_colour_on_itself_is_1():
    assert contrast.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast.contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast.contrast_ratio("#1f5f4a", "#1f5f4a") == pytest.approx(1.0)


@pytest.mark.parametrize(
    "first, second, expected",
    [
        ("#767676", "#ffffff", 4.54),  # the lightest grey that passes AA on white
        ("#777777", "#ffffff", 4.48),  # one step lighter fails
        ("#1f5f4a", "#ffffff", 7.52),  # Lobby's default pine
        ("#f2b441", "#1d2a24", 8.08),  # Lobby's default sun under the ink
        ("#ff0000", "#ffffff", 3.998),
    ],
)
def test_known_ratios(first, second, expected):
    assert contrast.contrast_ratio(first, second) == pytest.approx(expected, abs=0.01)


def test_relative_luminance_of_the_extremes_and_a_mid_grey():
    assert contrast.relative_luminance("#000000") == 0
    assert contrast.relative_luminance("#ffffff") == pytest.approx(1)
    assert contrast.relative_luminance("#808080") == pytest.approx(0.2159, abs=0.0001)


@pytest.mark.parametrize("value", ["#1F5F4A", "1f5f4a", "#1f5f4", "#1f5f4a0", "red", "", "#ggg000"])
def test_only_lower_case_rrggbb_is_a_colour(value):
    assert not contrast.is_colour(value)
    with pytest.raises(ValueError):
        contrast.relative_luminance(value)


def test_darker_keeps_the_hue_and_never_loses_contrast_with_white():
    assert contrast.darker("#1f5f4a") == "#174738"
    assert contrast.darker("#ffffff", 0.5) == "#808080"
    for colour in ("#1f5f4a", "#7a1f5c", "#0b4f8a"):
        assert contrast.contrast_ratio(contrast.darker(colour), "#ffffff") > contrast.contrast_ratio(
            colour, "#ffffff"
        )
