"""The figures of seed 003 chapter 3 (evaluation of the Veiligheidshuis Gooi en Vechtstreek,
2013-2014) that `manage.py demo_region --history` turns into cases, meetings, plans and
closures, exactly as the notes reproduce them (`shared/domain/notes/003_c69ce7b82d9a85e9.md`
section 3). Pure data: `history.py` builds from it, docs/demo.md explains the mapping, and
`demo/tests/test_history.py` checks that the generated data gives these numbers back.

Municipality keys are those of `region.MUNICIPALITIES`; `OVERIG` ("Overig" in the tables: outside
the nine municipalities or not known) becomes a case without a municipality of residence.
"""

from __future__ import annotations

import datetime as dt

OVERIG = ""
MUNICIPALITY_KEYS = (
    "blaricum",
    "bussum",
    "hilversum",
    "huizen",
    "laren",
    "muiden",
    "naarden",
    OVERIG,
    "weesp",
    "wijdemeren",
)

# Consultations (meeting types) as they were before "VHH nieuwe stijl" (2014). The youth and
# repeat-offender consultations are installed by the history; nazorg and Top-X exist already.
YOUTH = "Jeugdoverleg"
REPEAT_OFFENDERS = "Veelplegersoverleg"
NAZORG = "Nazorg ex-gedetineerden"
TOP_X = "Top-X"

# Tabel 1 - Output jeugdoverleg: minors discussed per municipality. 2011 covers October to
# December only (the consultation started then: the partial first year).
TABEL_1: dict[str, tuple[int, int, int]] = {
    "blaricum": (0, 1, 4),
    "bussum": (1, 6, 6),
    "hilversum": (16, 38, 25),
    "huizen": (4, 22, 18),
    "laren": (0, 2, 2),
    "muiden": (0, 1, 3),
    "naarden": (1, 5, 3),
    OVERIG: (1, 2, 4),
    "weesp": (4, 5, 3),
    "wijdemeren": (0, 5, 0),
}
TABEL_1_YEARS = (2011, 2012, 2013)
YOUTH_START = dt.date(2011, 10, 1)

# Tabel 2 - Cijfers veelplegers: repeat offenders discussed in the veelplegeroverleg ("Besproken").
TABEL_2_DISCUSSED: dict[str, tuple[int, int, int]] = {
    "blaricum": (1, 1, 0),
    "bussum": (0, 2, 3),
    "hilversum": (14, 42, 42),
    "huizen": (4, 4, 6),
    "laren": (0, 0, 1),
    "muiden": (0, 1, 1),
    "naarden": (2, 0, 1),
    OVERIG: (0, 7, 2),
    "weesp": (3, 2, 7),
    "wijdemeren": (1, 2, 1),
}
TABEL_2_YEARS = (2011, 2012, 2013)
# "Bekend": known repeat offenders according to the Openbaar Ministerie, a figure from another
# source (None: "nb", not known yet). Printed totals 147 and 131; the rows add up to 145 and 114.
TABEL_2_KNOWN: dict[str, tuple[int | None, int | None, int | None]] = {
    "blaricum": (1, 1, None),
    "bussum": (13, 7, None),
    "hilversum": (76, 80, None),
    "huizen": (16, 9, None),
    "laren": (1, 0, None),
    "muiden": (2, 1, None),
    "naarden": (3, 3, None),
    OVERIG: (22, 2, None),
    "weesp": (6, 6, None),
    "wijdemeren": (5, 5, None),
}
TABEL_2_KNOWN_PRINTED_TOTALS = (147, 131, None)

# Tabel 3 - Nazorg ex-gedetineerden. Caseload 2013: cases (episodes) in which coordination tasks
# were performed, by actual place of residence (no caseload before 2013: the registration did
# not allow it). Uitstroom: persons leaving a penitentiary institution, from DPAN (another
# source). Blaricum and Muiden have a caseload below their outflow (the NB under the table).
TABEL_3_CASELOAD_2013: dict[str, int] = {
    "blaricum": 1,
    "bussum": 45,
    "hilversum": 177,
    "huizen": 35,
    "laren": 6,
    "muiden": 2,
    "naarden": 11,
    OVERIG: 11,
    "weesp": 27,
    "wijdemeren": 10,
}
TABEL_3_OUTFLOW: dict[str, tuple[int | None, int | None]] = {  # (2012, 2013)
    "blaricum": (4, 2),
    "bussum": (29, 28),
    "hilversum": (144, 159),
    "huizen": (38, 33),
    "laren": (5, 1),
    "muiden": (6, 4),
    "naarden": (5, 8),
    OVERIG: (None, None),
    "weesp": (16, 20),
    "wijdemeren": (11, 6),
}
# "Share of the 2013 caseload detained more than once in 2013: ~12%" (text, §3.1): 39 of the 325
# episodes are a second episode of a person with an earlier one in 2013 (a re-entry), so 286
# persons. The split over municipalities is the demo's choice (in proportion to the caseload).
NAZORG_RE_ENTRIES: dict[str, int] = {
    "bussum": 5,
    "hilversum": 22,
    "huizen": 4,
    "laren": 1,
    "naarden": 1,
    OVERIG: 2,
    "weesp": 3,
    "wijdemeren": 1,
}

# §3.5: pilot Top-X in Huizen and Wijdemeren, July to December 2013: 21 registered persons
# discussed and given an approach. The split over the two municipalities is not in the source;
# the demo's choice.
TOP_X_PERSONS = {"huizen": 13, "wijdemeren": 8}
TOP_X_START, TOP_X_END = dt.date(2013, 7, 1), dt.date(2013, 12, 31)

# The demo's choice, not the source's: how many of those discussed in a year were discussed the
# year before too (the same person counts in both years of the table).
YOUTH_CARRIED: dict[tuple[str, int], int] = {
    ("hilversum", 2012): 4,
    ("huizen", 2012): 1,
    ("weesp", 2012): 1,
    ("hilversum", 2013): 6,
    ("huizen", 2013): 4,
    ("bussum", 2013): 1,
    ("naarden", 2013): 1,
}
REPEAT_CARRIED: dict[tuple[str, int], int] = {
    ("blaricum", 2012): 1,
    ("hilversum", 2012): 10,
    ("huizen", 2012): 2,
    ("weesp", 2012): 1,
    ("wijdemeren", 2012): 1,
    ("bussum", 2013): 1,
    ("hilversum", 2013): 25,
    ("huizen", 2013): 3,
    ("muiden", 2013): 1,
    (OVERIG, 2013): 1,
    ("weesp", 2013): 2,
    ("wijdemeren", 2013): 1,
}

# The tables' own inconsistencies (notes §3.7), kept as they are: docs/demo.md lists them.
INCONSISTENCIES = (
    "Jeugd: de managementsamenvatting noemt ~90 (2012) naar ~140 (2013); Tabel 1 zegt 87 naar 68.",
    "Veelplegers 2013 besproken: de tekst zegt 68, de tabel 64.",
    "Veelplegers 'Bekend' (OM): de totalen 147 (2011) en 131 (2012) zijn niet de som van de rijen (145 en 114).",
    "Nazorg: voorlopige cijfers; uitstroom uit DPAN (detentieplaats) tegen caseload uit de eigen registratie "
    "(werkelijke woonplaats); voor Blaricum en Muiden is de caseload lager dan de uitstroom.",
    "Jeugd 2011 beslaat alleen oktober-december; veelplegers 'Bekend' 2013 is nog niet bekend (nb).",
)
