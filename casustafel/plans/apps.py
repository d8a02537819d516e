from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "casustafel.plans"
    verbose_name = _("Plannen en afspraken")

    def ready(self) -> None:
        from casustafel.plans.timeline import register

        register()
