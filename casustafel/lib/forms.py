"""Form rendering with NL Design System markup: label, description and error tied to the field."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


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


NOT_ARIA_REQUIRED = (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.CheckboxInput, forms.HiddenInput)


class ServerValidatedForm(forms.Form):
    """A form whose required fields are checked on the server only, with a Dutch message next to
    the field: no `required` attribute (the browser would mark empty fields invalid before the
    user typed anything), but `aria-required` so assistive technology still announces them."""

    use_required_attribute = False

    def __getitem__(self, name: str) -> forms.BoundField:
        # At render time, so fields a subclass adds in its __init__ are covered too.
        bound = super().__getitem__(name)
        widget = bound.field.widget
        # Radio buttons and check boxes may not carry aria-required (their group would).
        if bound.field.required and not isinstance(widget, NOT_ARIA_REQUIRED):
            widget.attrs.setdefault("aria-required", "true")
        return bound
