""".env.example documents every environment variable the settings read, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
READERS = re.compile(r"""\b(env(?:str|bool|int|list|secret))\(\s*["']([A-Z][A-Z0-9_]*)["']""")
OS_READS = re.compile(r"""os\.(?:environ\.get|getenv|environ\[)\(?\s*["']([A-Z][A-Z0-9_]*)["']""")
LISTED = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)


def _read_by_settings() -> dict[str, str]:
    source = (ROOT / "casustafel" / "settings.py").read_text()
    names = {name: reader for reader, name in READERS.findall(source)}
    names.update({name: "os" for name in OS_READS.findall(source)})
    return names


def _listed() -> set[str]:
    return set(LISTED.findall((ROOT / ".env.example").read_text()))


def test_every_variable_the_settings_read_is_in_env_example() -> None:
    read = _read_by_settings()
    assert "SECRET_KEY" in read, "the pattern no longer finds the settings' env readers"
    expected = set(read) | {f"{name}_FILE" for name, reader in read.items() if reader == "envsecret"}
    assert expected - _listed() == set(), "add these to .env.example, with a comment"


def test_env_example_lists_no_variable_the_settings_do_not_read() -> None:
    read = _read_by_settings()
    known = set(read) | {f"{name}_FILE" for name in read}
    assert _listed() - known == set(), "these are in .env.example but settings.py does not read them"
