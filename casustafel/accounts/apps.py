from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "casustafel.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from casustafel.accounts import signals  # noqa: F401
