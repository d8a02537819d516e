"""The permission matrix: run one view for every persona and compare with what is expected.

Every case-scoped view gets a matrix test. Write the expectation for every persona, so a new
persona forces a decision:

    assert_matrix(personas, "get", url, {
        "anonymous": 302, "process_director": 200, "professional_b": 404, ...
    })

A persona left out of `expected` fails the test. Statuses: 200 (sees it), 302 (redirected:
to login for anonymous, after a successful POST otherwise), 403 (may see but not do), 404
(outside scope: indistinguishable from not existing).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.http import HttpResponse

from casustafel.testing.personas import ANONYMOUS, Personas


def assert_matrix(
    personas: Personas,
    method: str,
    url: str | Callable[[], str],
    expected: Mapping[str, int],
    *,
    data: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None = None,
    setup: Callable[[], None] | None = None,
) -> dict[str, HttpResponse]:
    """Request `url` as every persona and assert each status.

    Args:
        personas: the personas of the test.
        method: "get" or "post".
        url: the URL, or a callable building it (when setup recreates the object).
        expected: persona name -> status code, for every persona.
        data: POST data (or a callable giving fresh data per persona).
        setup: called before each persona's request, to restore state a POST changed.
    """
    missing = set(personas.names) - set(expected)
    unknown = set(expected) - set(personas.names)
    assert not missing, f"permission matrix has no expectation for: {sorted(missing)}"
    assert not unknown, f"permission matrix names unknown personas: {sorted(unknown)}"
    responses: dict[str, HttpResponse] = {}
    wrong: list[str] = []
    for name in personas.names:
        if setup:
            setup()
        client = personas.client(name)
        target = url() if callable(url) else url
        payload = data() if callable(data) else data
        response = getattr(client, method)(target, payload or {})
        responses[name] = response
        if response.status_code != expected[name]:
            wrong.append(f"{name}: expected {expected[name]}, got {response.status_code}")
        if name == ANONYMOUS and response.status_code == 302:
            assert "/inloggen/" in response["Location"], f"anonymous redirected elsewhere: {response['Location']}"
    assert not wrong, f"permission matrix for {method.upper()} {target}:\n  " + "\n  ".join(wrong)
    return responses
