"""The leak table: one module per app (`<app>.py`, or `<app>_<topic>.py`), each registering its
case-scoped URLs with exactly who gets in. `casustafel.testing.leak.collect_leak_cases` imports
every module of this package; `tests/test_leak.py` runs them."""
