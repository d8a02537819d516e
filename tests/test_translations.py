"""The English catalogue covers every Dutch string that is in it: nothing untranslated or fuzzy,
and placeholders intact (msgfmt --check-format). New strings enter the catalogue with
`manage.py makemessages -l en --no-location` (run inside casustafel/; without locations, so parallel branches merge cleanly)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CATALOGUE = Path(__file__).resolve().parent.parent / "casustafel" / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_the_english_catalogue_is_complete_and_well_formed() -> None:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        if os.environ.get("CI"):
            pytest.fail("msgfmt (gettext) is missing in CI")
        pytest.skip("msgfmt (gettext) not installed")
    result = subprocess.run(
        [msgfmt, "--check-format", "--statistics", "-o", os.devnull, str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # msgfmt prints e.g. "1952 translated messages, 3 untranslated messages." on stderr.
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr
