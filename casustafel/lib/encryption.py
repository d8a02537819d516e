"""Symmetric encryption at rest (Fernet with FIELD_ENCRYPTION_KEY) for small texts that hold
personal data: BSNs (`casustafel.lib.bsn`) and input held over an expired session."""

from __future__ import annotations

from django.conf import settings

from cryptography.fernet import Fernet, InvalidToken


def fernet() -> Fernet:
    return Fernet(str(settings.FIELD_ENCRYPTION_KEY).encode())


def encrypt_text(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt_text(token: str) -> str | None:
    """The plain text, or None for an empty or unreadable token (another key, tampering)."""
    if not token:
        return None
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return None
