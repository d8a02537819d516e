"""People who log in: professionals of partner organisations and the house's own staff."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address, a password and a TOTP second factor.

    What a user may see and do follows from their memberships (organisation x role), never from
    Django's staff/superuser flags, which only open the technical Django admin.
    """

    email = models.EmailField(_("e-mailadres"), unique=True)
    full_name = models.CharField(_("naam"), max_length=200)
    phone = models.CharField(_("telefoonnummer"), max_length=40, blank=True)
    is_active = models.BooleanField(
        _("actief"), default=True, help_text=_("Inactieve gebruikers kunnen niet inloggen.")
    )
    is_staff = models.BooleanField(_("toegang tot technisch beheer"), default=False)
    date_joined = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    preferred_language = models.CharField(
        _("taal"), max_length=5, choices=[("nl", "Nederlands"), ("en", "English")], default="nl"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    must_change_password = models.BooleanField(
        _("moet wachtwoord wijzigen"),
        default=False,
        help_text=_("Het wachtwoord is door een beheerder gezet: de gebruiker kiest bij het inloggen een eigen."),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class HeldInput(models.Model):
    """What a user had typed and not yet saved when their session ran out (the idle timeout),
    kept until they log in again and open the same page: then it is put back into the form and
    deleted. Encrypted (it may be free text about people), for the same user and page only, at
    most SESSION_COOKIE_AGE long (`casustafel/accounts/held_input.py`)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", verbose_name=_("gebruiker"))
    path = models.CharField(_("pagina"), max_length=500)
    data = models.TextField(_("invoer (versleuteld)"), editable=False)
    created_at = models.DateTimeField(_("bewaard op"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("bewaarde invoer")
        verbose_name_plural = _("bewaarde invoer")
        indexes = [models.Index(fields=["user", "path"], name="held_input_user_path")]

    def __str__(self) -> str:
        return f"HeldInput {self.pk}"
