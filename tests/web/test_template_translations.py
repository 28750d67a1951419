"""Templates translate through the translations each render takes once: the same words Flask-Babel gives.

A render inside ``force_locale`` (an email in the guest's language, sent from a desk page in
the receptionist's) speaks the forced language; a macro imported without the page's context
and a template rendered outside Flask's ``render_template`` still translate.
"""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale, gettext, ngettext

PAGE = '{{ _("Offers") }}|{{ ngettext("%(num)d left", "%(num)d left", 3) }}|{{ pgettext("x", "Sign out") }}'


def test_a_render_speaks_the_language_it_is_rendered_in(app):
    with app.test_request_context():
        english = render_template_string(PAGE)
        with force_locale("vi"):
            vietnamese = render_template_string(PAGE)
            expected = [gettext("Offers"), ngettext("%(num)d left", "%(num)d left", 3), "Sign out"]
        after = render_template_string(PAGE)
    assert english.split("|") == ["Offers", "3 left", "Sign out"] == after.split("|")
    assert vietnamese.split("|") == expected
    assert vietnamese.split("|")[0] == "Dịch vụ"


def test_without_the_page_context_the_words_are_still_translated(app):
    macro = app.jinja_env.from_string('{% macro says() %}{{ _("Offers") }}{% endmacro %}')
    page = app.jinja_env.from_string("{% from macros import says %}{{ says() }}")
    with app.test_request_context(), force_locale("vi"):
        assert macro.render() == "" and page.render(macros=macro) == "Dịch vụ"
        assert app.jinja_env.from_string('{{ _("Offers") }}').render() == "Dịch vụ"
