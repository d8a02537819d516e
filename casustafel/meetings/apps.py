from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "casustafel.meetings"
    verbose_name = _("Casusoverleggen")

    def ready(self) -> None:
        from casustafel.meetings.timeline import register

        register()
