"""Burgerservicenummer: validation with the elfproef, encryption at rest and a keyed digest
for matching without decrypting."""

from __future__ import annotations

import base64
import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from casustafel.lib.encryption import decrypt_text, encrypt_text


def normalise_bsn(raw: str) -> str:
    """Digits only; an 8-digit BSN gets its leading zero back (it is often lost in Excel)."""
    digits = "".join(ch for ch in raw if ch.isdigit())
    return digits.zfill(9) if len(digits) == 8 else digits


def is_valid_bsn(value: str) -> bool:
    """The elfproef: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 must be divisible by 11 (and not 0)."""
    if len(value) != 9 or not value.isdigit():
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    total = sum(int(d) * w for d, w in zip(value, weights, strict=True))
    return total != 0 and total % 11 == 0


def validate_bsn(raw: str) -> str:
    """Return the normalised BSN or raise a ValidationError with a Dutch message."""
    value = normalise_bsn(raw)
    if len(value) != 9:
        raise ValidationError(_("Een BSN bestaat uit 9 cijfers."), code="bsn_length")
    if not is_valid_bsn(value):
        raise ValidationError(
            _("Dit is geen geldig BSN (de elfproef klopt niet). Controleer de cijfers."), code="bsn_checksum"
        )
    return value


def encrypt_bsn(value: str) -> str:
    return encrypt_text(value)


def decrypt_bsn(token: str) -> str | None:
    return decrypt_text(token)


def bsn_digest(value: str) -> str:
    """A keyed hash for equality matching; the key is derived from the encryption key so a
    leaked database alone cannot be brute-forced over the 10^9 possible numbers."""
    key = hashlib.sha256(
        b"casustafel-bsn-digest:" + base64.urlsafe_b64decode(str(settings.FIELD_ENCRYPTION_KEY))
    ).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def mask_bsn(value: str | None) -> str:
    """Show only the last three digits, as on most government screens."""
    return f"******{value[-3:]}" if value else ""
