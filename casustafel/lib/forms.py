"""Form rendering with NL Design System markup: label, description and error tied to the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class DateInput(forms.DateInput):
    """A native date picker; the value is rendered as ISO so the browser can show it."""

    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class VersionedForm(forms.Form):
    """A form that carries the version of the object it edits, for conflict detection."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Attach a service's errors to the form: next to the field where the form has a field of
    that name, otherwise at the top of the form (non-field errors)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)
