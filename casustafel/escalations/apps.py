from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationsConfig(AppConfig):
    name = "casustafel.escalations"
    verbose_name = _("Opschaling")

    def ready(self) -> None:
        from casustafel.escalations.timeline import register

        register()
