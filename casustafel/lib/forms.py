"""Form rendering with NL Design System markup: label, description and error tied to the field."""

from __future__ import annotations

from django import forms
from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class VersionedForm(forms.Form):
    """A form that carries the version of the object it edits, for conflict detection."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
