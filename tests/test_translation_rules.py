"""Grammar rules the catalogs must keep: plural forms from the catalog, never a number glued to a noun."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"

# A number written as a placeholder (%(num)d) or in digits.
NUMBER = r"(?:%\(\w+\)d|\d+)"
# An Arabic word: letters and their vowel marks.
ARABIC_WORD = re.compile(r"[\u0621-\u064a\u0670-\u06d3\u064b-\u0652]+")
# Words a number may be followed by in an English msgid: none of them is a counted noun
# ("3/5 written" counts fields that are written, it names no noun).
# Words after a number that never agree with it: small words, and unit symbols ("10 MB" is "10 МБ").
NOT_NOUNS = {"of", "to", "from", "and", "or", "is", "written", "mb"}


def _catalog(locale: str):
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def _extract(tmp_path: Path) -> Path:
    """The Makefile's extract step (`make translations`), into a temporary template."""
    pot = tmp_path / "messages.pot"
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext",
         "--add-comments", "TRANSLATORS:", "--ignore-dirs", ".* __pycache__", "--no-location",
         "--sort-output", "-o", str(pot), str(ROOT)]
    )  # fmt: skip
    return pot


def _arabic_plurals():
    return [m for m in _catalog("ar") if m.id and isinstance(m.id, tuple)]


def test_the_arabic_dual_stands_without_a_number():
    """Form [2] is for exactly two, and the dual already says "two": "يومان", never "2 يومان"."""
    glued = [
        m.string[2] for m in _arabic_plurals() if re.search(rf"{NUMBER}\s+{ARABIC_WORD.pattern}", m.string[2])
    ]
    assert glued == []


def test_no_arabic_text_puts_a_number_before_a_dual():
    """The same nouns in any other entry or form: a numeral never precedes a dual word."""
    duals = set()
    for message in _arabic_plurals():
        others = {
            word for i, form in enumerate(message.string) if i != 2 for word in ARABIC_WORD.findall(form)
        }
        duals |= set(ARABIC_WORD.findall(message.string[2])) - others  # the words only the dual form uses
    assert {"يومان", "بالغان", "طفلان", "مكانين", "ليلتان"} <= duals  # the scan sees the known duals
    glued = []
    for message in _catalog("ar"):
        if not message.id:
            continue
        for text in message.string if isinstance(message.string, tuple) else (message.string,):
            glued += [(word, text) for word in ARABIC_WORD.findall(text) if word in duals
                      and re.search(rf"{NUMBER}\s+{word}(?!{ARABIC_WORD.pattern})", text)]  # fmt: skip
    assert glued == []


def test_georgian_has_two_plural_forms():
    """CLDR gives Georgian "one" and "other": with one form, "child" and "children" merge."""
    catalog = _catalog("ka")
    assert catalog.plural_forms == "nplurals=2; plural=(n != 1);"
    forms = {m.id[0]: m.string for m in catalog if m.id and isinstance(m.id, tuple)}
    assert forms["child aged %(ages)s"][0] != forms["child aged %(ages)s"][1]
    assert all(len(strings) == 2 and all(strings) for strings in forms.values())


@pytest.mark.parametrize("locale", ["ka", "ar", "ru"])
def test_plural_headers_survive_make_translations(tmp_path, locale):
    """`make translations` (extract, then update) must not put Babel's own header back."""
    before = _catalog(locale).plural_forms
    pot = _extract(tmp_path)
    shutil.copytree(TRANSLATIONS / locale, tmp_path / "translations" / locale)
    CommandLineInterface().run(
        ["pybabel", "-q", "update", "-i", str(pot), "-d", str(tmp_path / "translations"), "-l", locale,
         "--no-fuzzy-matching", "--ignore-obsolete"]
    )  # fmt: skip
    with (tmp_path / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        assert read_po(handle, locale=locale).plural_forms == before


def test_a_counted_noun_after_a_number_goes_through_ngettext(tmp_path):
    """ "%(num)d photos" outside ngettext cannot agree in Russian or Arabic (1 фото / 5 фотографий)."""
    with _extract(tmp_path).open("rb") as handle:
        template = read_po(handle)
    glued = [
        message.id
        for message in template
        if isinstance(message.id, str)
        for word in re.findall(r"%\(\w+\)d\s+([A-Za-z]+)", message.id)
        if word.lower() not in NOT_NOUNS
    ]
    assert glued == []


def test_room_card_tells_translators_what_it_is():
    """Several translators read "Room card" as the key card; it is the printed QR sheet."""
    message = _catalog("vi")["Room card"]
    assert any("QR" in comment for comment in message.auto_comments)
