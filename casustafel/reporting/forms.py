"""The report's period (a GET form: the address can be shared with a colleague)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casustafel.lib.forms import BoundedDateField
from casustafel.reporting.selectors import MAX_MONTHS, Period, add_months, default_period


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PeriodForm(forms.Form):
    date_from = BoundedDateField(
        label=_("Van"),
        widget=DateInput(),
        error_messages={"required": _("Kies de eerste dag van de periode."), "invalid": _("Vul een geldige datum in.")},
    )
    date_to = BoundedDateField(
        label=_("Tot en met"),
        widget=DateInput(),
        error_messages={
            "required": _("Kies de laatste dag van de periode."),
            "invalid": _("Vul een geldige datum in."),
        },
    )

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        default = default_period()
        kwargs.setdefault("initial", {"date_from": default.start, "date_to": default.end})
        super().__init__(data, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        today = timezone.localdate()
        if end and end > today:
            self.add_error("date_to", _("Kies een einddatum op of vóór vandaag."))
        elif start and end and start > end:
            self.add_error("date_to", _("Kies een einddatum op of na de begindatum."))
        elif start and end and end >= add_months(start, MAX_MONTHS):
            # At most MAX_MONTHS calendar months, so the month table stays bounded.
            self.add_error(
                "date_from", _("Kies een periode van ten hoogste %(months)s kalendermaanden.") % {"months": MAX_MONTHS}
            )
        return data

    def period(self) -> Period:
        """The chosen period; the default (the last twelve months) for an unbound form."""
        if not self.is_bound:
            return default_period()
        if not self.is_valid():
            raise ValueError("period() of an invalid form")
        return Period(start=self.cleaned_data["date_from"], end=self.cleaned_data["date_to"])
