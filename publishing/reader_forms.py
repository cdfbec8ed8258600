"""The form that filters on readers' pages draw: its widgets rendered with Django's own Jinja2
widget templates, like the pages around them. Django's default renderer is the template language
the admin keeps; through it a select of seventy years cost more than the rest of a search page."""

from django import forms
from django.forms.renderers import Jinja2


class ReaderForm(forms.Form):
    default_renderer = Jinja2()
