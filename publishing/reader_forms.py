"""The form that filters on readers' pages draw: its widgets rendered with Django's own Jinja2
widget templates, like the pages around them. Django's default renderer is the template language
the admin keeps; through it a select of seventy years cost more than the rest of a search page."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.forms.renderers import Jinja2
from django.utils.functional import cached_property

# Widget templates of Django's that readers' forms replace (a select's options, written in place).
OVERRIDES = Path(settings.BASE_DIR) / "templates" / "forms"


class ReaderRenderer(Jinja2):
    """Django's Jinja2 widget templates, with those in ``templates/forms/`` put first."""

    @cached_property
    def engine(self):
        builtin = Path(forms.__file__).parent / "jinja2"
        return self.backend({"APP_DIRS": False, "DIRS": [OVERRIDES, builtin], "NAME": "readerforms", "OPTIONS": {}})


class ReaderForm(forms.Form):
    default_renderer = ReaderRenderer()
