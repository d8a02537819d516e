"""Form rendering with NL Design System markup: label, description and error tied to the field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from casustafel.lib.concurrency import missing_version_message

# The dates a form accepts. Anything outside is a typing mistake or a probe, and breaks date
# arithmetic further on (the day after 9999-12-31, the UTC offset of 0001-01-01).
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class DateInput(forms.DateInput):
    """A native date picker; the value is rendered as ISO so the browser can show it."""

    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


# The largest id a lookup accepts: the database's bigint. A longer number in a filter is a
# typing mistake or a probe, and would overflow the driver.
MAX_ID = 2**63 - 1


def parse_id(raw: str | None) -> int | None:
    """An id from a query string, or None: ASCII digits only (not '²' or Arabic digits, which
    `str.isdigit` accepts), at least 1 and at most `MAX_ID`."""
    text = (raw or "").strip()
    if not text or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


class IdField(forms.IntegerField):
    """A number that names a record (a case id, a registration number), with Dutch messages."""

    default_error_messages = {
        "invalid": _("Vul een nummer in, alleen met cijfers."),
        "min_value": _("Vul een nummer in vanaf 1."),
        "max_value": _("Vul een nummer in van ten hoogste 19 cijfers."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str) and value.strip() and not value.strip().isascii():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class BoundedDateField(forms.DateField):
    """A date between `EARLIEST_DATE` and `LATEST_DATE`, with a Dutch message otherwise."""

    default_error_messages = {
        "invalid": _("Vul een geldige datum in, bijvoorbeeld 14-03-2025."),
        "out_of_range": _("Kies een datum tussen 1900 en 2100."),
    }

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise ValidationError(self.error_messages["out_of_range"], code="out_of_range")


class VersionedForm(forms.Form):
    """A form that carries the version of the object it edits, for conflict detection. A post
    without it is refused: optimistic locking cannot be skipped by leaving the field out."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, new: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if new:
            # Creating: there is nothing yet whose version could conflict.
            del self.fields["version"]

    def clean_version(self) -> int | None:
        version = self.cleaned_data.get("version")
        if version is None:
            # At the top of the form: the hidden field has no place to show a message.
            self.add_error(None, missing_version_message())
        return version


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
