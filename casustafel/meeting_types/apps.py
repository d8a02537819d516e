from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingTypesConfig(AppConfig):
    name = "casustafel.meeting_types"
    verbose_name = _("Overlegtypen")
