"""The leak table of the notifications app: the e-mail preferences are the user's own page (see
casustafel/testing/leak.py). The list and the count are per user and hold no case content."""

from __future__ import annotations

from casustafel.testing.leak import FORMER_MEMBERS, HOUSE_MEMBERS, OUTSIDER_PROCESS_DIRECTOR, LeakCase, register

EVERYONE = HOUSE_MEMBERS | FORMER_MEMBERS | {"outsider_house", OUTSIDER_PROCESS_DIRECTOR}

register(
    LeakCase("notifications:preferences", sees=EVERYONE, reads=0),
    LeakCase(
        "notifications:preferences",
        method="post",
        sees=EVERYONE,
        data=lambda s: {"email_kinds": ["agreement_overdue"]},
        ok=302,
        reads=0,
        side_door=False,  # GET is the same page for every signed-in user: no door into anyone's data
    ),
)
