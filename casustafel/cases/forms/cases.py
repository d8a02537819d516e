"""Forms of the case page: the status filter of the case list, and adding and ending an
involvement. Forms only parse input; the involvement services validate the rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casustafel.accounts.models import User
from casustafel.cases.forms.referrals import DateInput
from casustafel.cases.models import CaseStatus
from casustafel.lib.forms import parse_id
from casustafel.organisations.models import Membership, Organisation

CASE_LIST_STATUSES = [("", _("Alle statussen")), *CaseStatus.choices]
NAMED_HELP = _(
    "Bij een organisatie die haar casussen afschermt zien alleen deze medewerkers (met de contactpersoon), de "
    "ambassadeur en hun vervangers de casus. Houd Ctrl of Cmd ingedrukt om er meer te kiezen."
)


def moment_of(day: dt.date | None) -> dt.datetime | None:
    """A chosen day as a moment: today means now, another day its start (local time)."""
    if day is None or day == timezone.localdate():
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class CaseListFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CASE_LIST_STATUSES, required=False)
    # Process directors see every case of the house; this narrows the list to their own.
    regie = forms.ChoiceField(
        label=_("Procesregie"),
        choices=[("", _("Iedereen")), ("mij", _("Door mij"))],
        required=False,
    )


class InvolvementAddForm(forms.Form):
    """Add a partner organisation to a case. The contact is searched among the case workers of
    the chosen organisation only (`cases/partials/case_involvement_contact.html`: never a list
    of them); the field checks the id sent against them, the service the rules."""

    organisation = forms.ModelChoiceField(
        label=_("Organisatie"),
        queryset=Organisation.objects.none(),
        empty_label=_("Kies een organisatie"),
        error_messages={"required": _("Kies de organisatie die betrokken wordt.")},
    )
    reason = forms.CharField(
        label=_("Reden van betrokkenheid"),
        max_length=300,
        error_messages={"required": _("Schrijf op waarom deze organisatie bij de casus betrokken moet zijn.")},
        help_text=_("Waarom moet deze organisatie meekijken? Bijv. 'reclasseringstoezicht op vader'."),
    )
    contact = forms.ModelChoiceField(
        label=_("Contactpersoon"),
        queryset=User.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Kies een medewerker van de gekozen organisatie.")},
        help_text=_(
            "De vaste professional van deze organisatie in de casus. Zoek op naam of e-mailadres; u vindt alleen "
            "medewerkers van de gekozen organisatie."
        ),
    )
    contact_q = forms.CharField(label=_("Zoek een medewerker"), max_length=100, required=False)
    started_at = forms.DateField(
        label=_("Betrokken vanaf"),
        required=False,
        widget=DateInput(),
        help_text=_("Leeg laten of vandaag: vanaf nu."),
    )

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        contacts: QuerySet[Membership],
        contacts_url: str = "",
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", "add")
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        if contacts_url:
            # Choosing an organisation renews the contact field: a contact of another
            # organisation no longer counts, and a search typed runs again for this one.
            self.fields["organisation"].widget.attrs.update(
                {
                    "hx-get": contacts_url,
                    "hx-trigger": "change",
                    "hx-target": "#involvement-contact-field",
                    "hx-swap": "outerHTML",
                    "hx-include": "this, #involvement-contact-field input",
                    "aria-controls": "involvement-contact-field",
                }
            )
        organisation = self.chosen_organisation_id()
        # Validating an id is one query; nothing here lists the organisation's staff.
        self.fields["contact"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(memberships__in=contacts.filter(organisation=organisation)).distinct()
            if organisation
            else User.objects.none()
        )
        if not self.is_bound:
            self.initial.setdefault("started_at", timezone.localdate())

    def chosen_organisation_id(self) -> int | None:
        """The organisation chosen in the (bound) form, whose case workers the contact search finds."""
        raw = self.data.get(self.add_prefix("organisation"), "") if self.is_bound else self.initial.get("organisation")
        return parse_id(str(raw or ""))

    def contact_query(self) -> str:
        """The contact search as typed (kept when the form comes back)."""
        return str(self.data.get(self.add_prefix("contact_q"), "")).strip()[:100] if self.is_bound else ""

    def chosen_contact(self) -> User | None:
        """The contact chosen, if they are a case worker of the chosen organisation: to show it
        chosen again when the form comes back (after an error, a search, another organisation)."""
        if not self.is_bound:
            return None
        if hasattr(self, "cleaned_data"):
            return self.cleaned_data.get("contact")
        try:
            return self.fields["contact"].clean(self.data.get(self.add_prefix("contact")))  # type: ignore[no-any-return]
        except forms.ValidationError:
            return None

    def contact_user(self) -> User | None:
        return self.cleaned_data.get("contact")  # type: ignore[no-any-return]

    def started_moment(self) -> dt.datetime | None:
        return moment_of(self.cleaned_data.get("started_at"))


class InvolvementNamedForm(forms.Form):
    """Who of the involved organisation is named on the case (its active case workers)."""

    named_people = forms.TypedMultipleChoiceField(
        label=_("Genoemde medewerkers"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=NAMED_HELP,
    )

    def __init__(self, *args: Any, involvement_pk: int, members: QuerySet[Membership], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"named-{involvement_pk}")
        super().__init__(*args, **kwargs)
        self.involvement_pk = involvement_pk
        self._users = {membership.user_id: membership.user for membership in members}
        self.fields["named_people"].choices = [  # type: ignore[attr-defined]
            (pk, user.full_name or user.email) for pk, user in self._users.items()
        ]

    def named_users(self) -> list[User]:
        return [self._users[pk] for pk in self.cleaned_data.get("named_people") or []]


class InvolvementEndForm(forms.Form):
    """End an organisation's involvement: the date and the reason."""

    ended_at = forms.DateField(
        label=_("Betrokken tot"),
        required=False,
        widget=DateInput(),
        help_text=_("Leeg laten of vandaag: vanaf nu ziet de organisatie de casus niet meer."),
    )
    end_reason = forms.CharField(
        label=_("Reden einde betrokkenheid"),
        max_length=300,
        error_messages={"required": _("Schrijf op waarom de betrokkenheid van deze organisatie eindigt.")},
    )

    def __init__(self, *args: Any, involvement_pk: int, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"end-{involvement_pk}")
        super().__init__(*args, **kwargs)
        self.involvement_pk = involvement_pk
        if not self.is_bound:
            self.initial.setdefault("ended_at", timezone.localdate())

    def ended_moment(self) -> dt.datetime | None:
        return moment_of(self.cleaned_data.get("ended_at"))
