"""Every interface string is translated in every language, and the catalogs match the source."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = sorted(p.name for p in (ROOT / "translations").iterdir() if (p / "LC_MESSAGES").is_dir())


@pytest.fixture(scope="module")
def source_ids(tmp_path_factory) -> set[str]:
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    # babel.cfg's patterns (app/**.py, templates/**.html) are relative to the folder scanned;
    # --ignore-dirs replaces Babel's default, which would skip templates/_macros.
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext",
         "--ignore-dirs", ".* __pycache__", "--no-location", "-o", str(pot), str(ROOT)]
    )  # fmt: skip
    with pot.open("rb") as handle:
        return _ids(read_po(handle))


def _ids(catalog) -> set[str]:
    # A plural entry's id is (singular, plural); the singular names it.
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not message.fuzzy and all(strings)


def _catalog(locale: str):
    with (ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def test_there_is_a_catalog_per_interface_language():
    from config import Config

    assert set(Config.LANGUAGES) - {"en"} <= set(LOCALES)


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_is_up_to_date_with_the_source(locale, source_ids):
    catalog_ids = _ids(_catalog(locale))
    assert source_ids - catalog_ids == set(), "run `make translations` and translate the new strings"
    assert catalog_ids - source_ids == set(), "run `make translations` to drop strings no longer used"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_string_is_translated(locale):
    assert [m.id for m in _catalog(locale) if m.id and not _translated(m)] == []


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_every_placeholder(locale):
    """A translation that drops or renames %(name)s would crash or mislead at run time."""
    problems = [
        (message.id, [str(error) for error in errors])
        for message, errors in _catalog(locale).check()
        if errors
    ]
    assert problems == []
