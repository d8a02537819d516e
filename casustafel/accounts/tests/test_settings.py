from __future__ import annotations

import os
import subprocess
import sys

from django.core.exceptions import ImproperlyConfigured

import pytest

from casustafel import settings as project_settings
from casustafel.lib.env import envbool, envint

PRODUCTION_ENV = {
    "CASUSTAFEL_ENV": "production",
    "SECRET_KEY": "x" * 60,
    "FIELD_ENCRYPTION_KEY": "ZGV2LW9ubHktZmllbGQta2V5LWNhc3VzdGFmZWwtMDE=",
    "AUDIT_KEY": "a" * 40,
    "ALLOWED_HOSTS": "casustafel.example",
    "SITE_URL": "https://casustafel.example",
}


def _import_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CASUSTAFEL_", "MFA_", "DEBUG", "SECRET_KEY"))}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import casustafel.settings"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_passwords_are_hashed_with_argon2() -> None:
    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_production_settings_load_with_the_required_values() -> None:
    assert _import_settings(PRODUCTION_ENV).returncode == 0


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"MFA_REQUIRED": "false"}, "MFA_REQUIRED=false is for demos only"),
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"DEBUG": "true"}, "DEBUG must be off"),
        ({"CASUSTAFEL_DEMO": "true"}, "CASUSTAFEL_DEMO is refused"),
        ({"SITE_URL": ""}, "SITE_URL must be set"),
        ({"SITE_URL": "http://casustafel.example"}, "SITE_URL must be set"),
    ],
)
def test_production_refuses_unsafe_settings(override: dict[str, str], message: str) -> None:
    result = _import_settings({**PRODUCTION_ENV, **override})
    assert result.returncode != 0
    assert message in result.stderr


def test_bad_values_fail_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_FLAG", "misschien")
    with pytest.raises(ImproperlyConfigured):
        envbool("X_FLAG", False)
    monkeypatch.setenv("X_NUM", "vijftien")
    with pytest.raises(ImproperlyConfigured):
        envint("X_NUM", 15)
    monkeypatch.setenv("X_NUM", "0")
    with pytest.raises(ImproperlyConfigured):
        envint("X_NUM", 15, minimum=1)


def _demo_env() -> dict[str, str]:
    lines = (project_settings.PROJECT_DIR / "scripts" / "demo.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))


def test_the_demo_runs_like_production_with_only_the_second_factor_relaxed() -> None:
    env = _demo_env()
    assert env["DEBUG"] == "false" and env["MFA_REQUIRED"] == "false"
    script = (
        "from django.conf import settings; import django; django.setup(); "
        "print(settings.DEBUG, settings.MFA_REQUIRED, settings.STORAGES['staticfiles']['BACKEND'], "
        "'whitenoise.middleware.WhiteNoiseMiddleware' in settings.MIDDLEWARE)"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CASUSTAFEL_", "MFA_", "DEBUG", "SECRET_KEY"))}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        env={**clean, "DJANGO_SETTINGS_MODULE": "casustafel.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == [
        "False",
        "False",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "True",
    ]
