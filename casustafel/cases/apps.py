from collections.abc import Collection

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "casustafel.cases"
    verbose_name = _("Aanmeldingen en casussen")

    def ready(self) -> None:
        from casustafel.accounts.models import User
        from casustafel.cases.models import Case
        from casustafel.notifications.gate import register_case_gate

        def visible(user: User, case_ids: Collection[int]) -> set[int]:
            return set(Case.objects.visible_to(user).filter(pk__in=list(case_ids)).values_list("pk", flat=True))

        register_case_gate(visible)
        import casustafel.cases.timeline  # noqa: F401  (registers the case's own timeline entries)
