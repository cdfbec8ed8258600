"""The forms that filter on readers' pages: their widgets rendered with Django's own Jinja2
widget templates, like the pages around them, and their selects written straight from their
choices. Django's default renderer is the template language the admin keeps; through it a select
of seventy years cost more than the rest of a search page."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.forms.renderers import Jinja2
from django.utils.functional import cached_property

# Widget templates of readers' forms (``reader_select.html``), found before Django's own.
TEMPLATES = Path(settings.BASE_DIR) / "templates" / "forms"


class ReaderRenderer(Jinja2):
    """Django's Jinja2 widget templates, with those in ``templates/forms/`` put first."""

    @cached_property
    def engine(self):
        builtin = Path(forms.__file__).parent / "jinja2"
        return self.backend({"APP_DIRS": False, "DIRS": [TEMPLATES, builtin], "NAME": "readerforms", "OPTIONS": {}})


class ReaderForm(forms.Form):
    default_renderer = ReaderRenderer()


class ReaderSelect(forms.Select):
    """A select of plain choices (no groups) whose options are ``(value, label, selected)``.

    Django's select builds a dictionary of attributes for every option, then renders it: for the
    seventy years of the search page's filter that was a tenth of the page's time.
    """

    template_name = "reader_select.html"

    def get_context(self, name, value, attrs):
        # The widget's context without ChoiceWidget's optgroups: its options come from here.
        context = forms.Widget.get_context(self, name, value, attrs)
        chosen = set(context["widget"]["value"])
        context["widget"]["options"] = [(str(option), label, str(option) in chosen) for option, label in self.choices]
        return context
