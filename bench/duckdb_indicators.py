# ruff: noqa: S608 -- fixed queries over our own Parquet files; the only values are int() and enum constants
"""The dashboard's indicators a second time, in DuckDB SQL over a Parquet export of the tables
they read: the reference `bench/dashboard_duckdb.py` measures the dashboard against, and the
check that both count the same (`tests/test_duckdb_indicators.py` on a tiny data set).

Each counting indicator gives the grouped rows its cube is built from (`CountIndicator.rows`):
house, category, organisation (per-organisation indicators), municipality, meeting type, grid
period and count. Each median gives, per house, the number of observations and the median in
days. The definitions are those of docs/indicators.md; every query reads Parquet files only.

Left out: the indicators over data the national set does not generate (phases, safety scores,
escalations, case-director assignments, follow-ups after closure, effort and value).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models

import duckdb

from casustafel.cases.models import Case, Referral, ReferralStatus
from casustafel.meetings.models import AgendaItem, Attendance, ClientParticipation, Invitation, Meeting, MeetingStatus
from casustafel.organisations.models import SafetyHouse
from casustafel.plans.models import Agreement
from casustafel.plans.models_plan import ActionPlan, Goal

# Per table: the Parquet file's name (a view of that name in DuckDB) and the columns the
# indicators read.
EXPORT: dict[str, tuple[type[models.Model], list[str]]] = {
    "referral": (Referral, ["id", "house_id", "status", "entry_route", "submitted_at", "outcome_at",
                            "first_contact_due_at", "first_contact_at", "municipality_id", "meeting_type_id",
                            "previous_case_id"]),
    "cases": (Case, ["id", "house_id", "referral_id", "municipality_id", "meeting_type_id", "opened_at", "closed_at"]),
    "meeting": (Meeting, ["id", "house_id", "status", "starts_at"]),
    "item": (AgendaItem, ["id", "meeting_id", "case_id"]),
    "invitation": (Invitation, ["id", "item_id", "organisation_id", "is_crucial"]),
    "attendance": (Attendance, ["id", "invitation_id", "status"]),
    "participation": (ClientParticipation, ["id", "item_id", "clients_invited", "mode", "debrief_on"]),
    "actionplan": (ActionPlan, ["id", "case_id"]),
    "goal": (Goal, ["id", "plan_id", "status", "withdrawn_at"]),
    "agreement": (Agreement, ["id", "case_id", "organisation_id", "due_date", "due_time", "response",
                              "responded_at", "created_at", "ended_at", "end"]),
}  # fmt: skip

GROUPS = {
    "output": ["referrals_route", "triage_decisions", "cases_opened", "caseload_end", "caseload_during",
               "cases_discussed"],
    "process": ["first_contact", "agreements_on_time", "agreements_overdue", "crucial_attendance",
                "client_participation", "days_to_triage", "days_to_first_meeting", "days_to_closure"],
    "outcome": ["goals_at_closure"],
}  # fmt: skip
MEDIANS = {"days_to_triage", "days_to_first_meeting", "days_to_closure"}


# --- the export ------------------------------------------------------------------------------


def _arrow_type(field: models.Field[Any, Any]) -> Any:
    import pyarrow as pa

    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return pa.timestamp("us", tz="UTC")
    if kind == "DateField":
        return pa.date32()
    if kind == "TimeField":
        return pa.time64("us")
    if kind == "BooleanField":
        return pa.bool_()
    if kind in ("CharField", "TextField"):
        return pa.string()
    return pa.int64()


def export_parquet(folder: Path, *, batch: int = 200_000) -> dict[str, int]:
    """Write every table of EXPORT to `folder/<name>.parquet`, through the ORM (any database);
    returns the rows per table."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, (model, columns) in EXPORT.items():
        fields = {f.column: f for f in model._meta.concrete_fields}
        schema = pa.schema([(column, _arrow_type(fields[column])) for column in columns])
        attnames = [fields[column].attname for column in columns]
        with pq.ParquetWriter(folder / f"{name}.parquet", schema) as writer:
            rows = model._default_manager.order_by().values_list(*attnames).iterator(chunk_size=batch)
            count, chunk = 0, []
            for row in rows:
                chunk.append(row)
                if len(chunk) >= batch:
                    writer.write_batch(_batch(schema, chunk))
                    count, chunk = count + len(chunk), []
            if chunk or not count:
                writer.write_batch(_batch(schema, chunk))
                count += len(chunk)
        written[name] = count
    return written


def _batch(schema: Any, rows: list[tuple[Any, ...]]) -> Any:
    import pyarrow as pa

    columns: list[Any] = list(zip(*rows, strict=True)) if rows else [[] for _ in schema]
    return pa.record_batch(
        [pa.array(list(values), type=f.type) for values, f in zip(columns, schema, strict=True)], schema=schema
    )


def connect(folder: Path, *, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """DuckDB with a view per exported table (the queries read the Parquet files each time)."""
    connection = duckdb.connect()
    if threads:
        connection.execute(f"SET threads = {int(threads)}")
    for name in EXPORT:
        connection.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{folder / f'{name}.parquet'}')")
    return connection


# --- the queries -----------------------------------------------------------------------------

DECIDED = ", ".join(
    f"'{status}'"
    for status in (
        ReferralStatus.ACCEPTED,
        ReferralStatus.STEPPED_DOWN,
        ReferralStatus.REFERRED_RIEC,
        ReferralStatus.REJECTED,
    )
)
HELD = f"'{MeetingStatus.HELD}'"
DRAFT = f"'{ReferralStatus.DRAFT}'"
MONTH = "strftime({0}, '%Y-%m')"
# The first moment after each month of the year, as local time (snapshots are taken then).
MONTH_ENDS = """months AS (
    SELECT printf('%d-%02d', {year}, i) AS period, make_timestamp({year}, i, 1, 0, 0, 0) + INTERVAL 1 MONTH AS moment
    FROM range(1, 13) t(i))"""
PERIODS = """periods AS (
    SELECT '{year}' AS period, make_timestamp({year}, 1, 1, 0, 0, 0) AS s, make_timestamp({year} + 1, 1, 1, 0, 0, 0) AS e
    UNION ALL SELECT printf('%d-Q%d', {year}, q), make_timestamp({year}, 3 * q - 2, 1, 0, 0, 0),
        make_timestamp({year}, 3 * q - 2, 1, 0, 0, 0) + INTERVAL 3 MONTH FROM range(1, 5) t(q)
    UNION ALL SELECT printf('%d-%02d', {year}, i), make_timestamp({year}, i, 1, 0, 0, 0),
        make_timestamp({year}, i, 1, 0, 0, 0) + INTERVAL 1 MONTH FROM range(1, 13) t(i))"""

# Every query: house_id, cat, org, g, m, period, n; `{house}` is a house id or NULL (all houses);
# `L(x)` is x in local time (the grid's months are local months).
COUNT_SQL: dict[str, str] = {
    "referrals_route": f"""
        SELECT r.house_id, r.entry_route AS cat, NULL AS org, r.municipality_id AS g, r.meeting_type_id AS m,
            {MONTH.format("L(r.submitted_at)")} AS period, count(*) AS n
        FROM referral r
        WHERE ({{house}} IS NULL OR r.house_id = {{house}}) AND r.submitted_at IS NOT NULL AND r.status <> {DRAFT}
            AND year(L(r.submitted_at)) = {{year}}
        GROUP BY ALL""",
    "triage_decisions": f"""
        SELECT r.house_id, r.status AS cat, NULL AS org, r.municipality_id AS g, r.meeting_type_id AS m,
            {MONTH.format("L(r.outcome_at)")} AS period, count(*) AS n
        FROM referral r
        WHERE ({{house}} IS NULL OR r.house_id = {{house}}) AND r.status IN ({DECIDED}) AND r.outcome_at IS NOT NULL
            AND year(L(r.outcome_at)) = {{year}}
        GROUP BY ALL""",
    "cases_opened": f"""
        SELECT c.house_id, CASE WHEN r.previous_case_id IS NOT NULL THEN 're_entry' ELSE 'first' END AS cat, NULL AS org,
            c.municipality_id AS g, c.meeting_type_id AS m, {MONTH.format("L(c.opened_at)")} AS period, count(*) AS n
        FROM cases c LEFT JOIN referral r ON r.id = c.referral_id
        WHERE ({{house}} IS NULL OR c.house_id = {{house}}) AND year(L(c.opened_at)) = {{year}}
        GROUP BY ALL""",
    "caseload_end": f"""
        WITH {MONTH_ENDS}
        SELECT c.house_id, '*' AS cat, NULL AS org, c.municipality_id AS g, c.meeting_type_id AS m, period, count(*) AS n
        FROM cases c JOIN months ON L(c.opened_at) < moment AND (c.closed_at IS NULL OR L(c.closed_at) >= moment)
        WHERE ({{house}} IS NULL OR c.house_id = {{house}})
        GROUP BY ALL""",
    "caseload_during": f"""
        WITH {PERIODS}
        SELECT c.house_id, '*' AS cat, NULL AS org, c.municipality_id AS g, c.meeting_type_id AS m, period, count(*) AS n
        FROM cases c JOIN periods ON L(c.opened_at) < e AND (c.closed_at IS NULL OR L(c.closed_at) >= s)
        WHERE ({{house}} IS NULL OR c.house_id = {{house}})
        GROUP BY ALL""",
    # A distinct count per grain; "earlier" when a later episode (a re-entry of this case) was
    # also discussed in the same period.
    "cases_discussed": f"""
        WITH held AS (
            SELECT mt.house_id, i.case_id, L(mt.starts_at) AS t FROM item i JOIN meeting mt ON mt.id = i.meeting_id
            WHERE mt.status = {HELD}),
        keyed AS (
            SELECT house_id, case_id, strftime(t, '%Y-%m') AS period, year(t) AS y FROM held
            UNION ALL SELECT house_id, case_id, printf('%d-Q%d', year(t), quarter(t)), year(t) FROM held
            UNION ALL SELECT house_id, case_id, printf('%d', year(t)), year(t) FROM held),
        later AS (
            SELECT DISTINCT r.previous_case_id AS case_id, k.period FROM keyed k JOIN cases c ON c.id = k.case_id
            JOIN referral r ON r.id = c.referral_id WHERE r.previous_case_id IS NOT NULL)
        SELECT k.house_id, CASE WHEN l.case_id IS NOT NULL THEN 'earlier' ELSE 'person' END AS cat, NULL AS org,
            c.municipality_id AS g, c.meeting_type_id AS m, k.period, count(DISTINCT k.case_id) AS n
        FROM keyed k JOIN cases c ON c.id = k.case_id LEFT JOIN later l ON l.case_id = k.case_id AND l.period = k.period
        WHERE ({{house}} IS NULL OR k.house_id = {{house}}) AND k.y = {{year}}
        GROUP BY ALL""",
    "first_contact": f"""
        SELECT r.house_id, CASE WHEN r.first_contact_at <= r.first_contact_due_at THEN 'within' ELSE 'late' END AS cat,
            NULL AS org, r.municipality_id AS g, r.meeting_type_id AS m,
            {MONTH.format("L(r.first_contact_due_at)")} AS period, count(*) AS n
        FROM referral r
        WHERE ({{house}} IS NULL OR r.house_id = {{house}}) AND r.first_contact_due_at IS NOT NULL
            AND r.status <> {DRAFT} AND year(L(r.first_contact_due_at)) = {{year}}
        GROUP BY ALL""",
    "agreements_on_time": """
        WITH a AS (
            SELECT *, CAST(L(ended_at) AS DATE) AS ended_date, CAST(L(ended_at) AS TIME) AS ended_time FROM agreement),
        judged AS (
            SELECT a.*, (a.due_time IS NULL AND a.ended_date <= a.due_date) OR (a.due_time IS NOT NULL AND
                (a.ended_date < a.due_date OR (a.ended_date = a.due_date AND a.ended_time <= a.due_time))) AS by_due
            FROM a)
        SELECT c.house_id,
            CASE WHEN j.response = 'declined' THEN 'declined'
                 WHEN j."end" = 'done' AND j.by_due THEN 'on_time'
                 WHEN j."end" IN ('cancelled', 'continues') AND j.by_due THEN 'ended_early'
                 ELSE 'late' END AS cat,
            j.organisation_id AS org, c.municipality_id AS g, c.meeting_type_id AS m,
            strftime(j.due_date, '%Y-%m') AS period, count(*) AS n
        FROM judged j JOIN cases c ON c.id = j.case_id
        WHERE ({house} IS NULL OR c.house_id = {house}) AND year(j.due_date) = {year}
        GROUP BY ALL""",
    "agreements_overdue": f"""
        WITH {MONTH_ENDS}
        SELECT c.house_id, 'overdue' AS cat, a.organisation_id AS org, c.municipality_id AS g, c.meeting_type_id AS m,
            period, count(*) AS n
        FROM agreement a JOIN cases c ON c.id = a.case_id
        JOIN months ON L(a.created_at) < moment AND a.due_date < CAST(moment AS DATE)
            AND (a.ended_at IS NULL OR L(a.ended_at) >= moment)
            AND NOT (a.response = 'declined' AND a.responded_at IS NOT NULL AND L(a.responded_at) < moment)
        WHERE ({{house}} IS NULL OR c.house_id = {{house}})
        GROUP BY ALL""",
    "crucial_attendance": f"""
        WITH seen AS (
            SELECT invitation_id, bool_or(status = 'present') AS present, bool_or(status = 'absent_notice') AS notice,
                bool_or(status = 'absent_no_notice') AS no_notice
            FROM attendance GROUP BY invitation_id)
        SELECT mt.house_id,
            CASE WHEN s.present THEN 'present' WHEN s.notice THEN 'absent_notice'
                 WHEN s.no_notice THEN 'absent_no_notice' ELSE 'not_recorded' END AS cat,
            v.organisation_id AS org, c.municipality_id AS g, c.meeting_type_id AS m,
            {MONTH.format("L(mt.starts_at)")} AS period, count(*) AS n
        FROM invitation v JOIN item i ON i.id = v.item_id JOIN meeting mt ON mt.id = i.meeting_id
        JOIN cases c ON c.id = i.case_id LEFT JOIN seen s ON s.invitation_id = v.id
        WHERE ({{house}} IS NULL OR mt.house_id = {{house}}) AND v.is_crucial AND mt.status = {HELD}
            AND year(L(mt.starts_at)) = {{year}}
        GROUP BY ALL""",
    "client_participation": f"""
        SELECT mt.house_id,
            CASE WHEN p.id IS NULL THEN 'not_recorded' WHEN NOT p.clients_invited THEN 'not_invited'
                 WHEN p.debrief_on IS NOT NULL THEN 'debriefed' WHEN p.mode <> '' THEN 'took_part'
                 ELSE 'invited' END AS cat,
            NULL AS org, c.municipality_id AS g, c.meeting_type_id AS m,
            {MONTH.format("L(mt.starts_at)")} AS period, count(*) AS n
        FROM item i JOIN meeting mt ON mt.id = i.meeting_id JOIN cases c ON c.id = i.case_id
        LEFT JOIN participation p ON p.item_id = i.id
        WHERE ({{house}} IS NULL OR mt.house_id = {{house}}) AND mt.status = {HELD} AND year(L(mt.starts_at)) = {{year}}
        GROUP BY ALL""",
    "goals_at_closure": f"""
        SELECT c.house_id,
            CASE WHEN g.status IN ('achieved', 'not_achieved') THEN g.status ELSE 'open' END AS cat,
            NULL AS org, c.municipality_id AS g, c.meeting_type_id AS m,
            {MONTH.format("L(c.closed_at)")} AS period, count(*) AS n
        FROM goal g JOIN actionplan p ON p.id = g.plan_id JOIN cases c ON c.id = p.case_id
        WHERE ({{house}} IS NULL OR c.house_id = {{house}}) AND c.closed_at IS NOT NULL AND g.withdrawn_at IS NULL
            AND year(L(c.closed_at)) = {{year}}
        GROUP BY ALL""",
}

# Every query: house_id, n, median days over the year.
MEDIAN_SQL: dict[str, str] = {
    "days_to_triage": f"""
        SELECT r.house_id, count(*) AS n, median(epoch(r.outcome_at) - epoch(r.submitted_at)) / 86400 AS days
        FROM referral r
        WHERE ({{house}} IS NULL OR r.house_id = {{house}}) AND r.status IN ({DECIDED}) AND r.outcome_at IS NOT NULL
            AND r.submitted_at IS NOT NULL AND year(L(r.outcome_at)) = {{year}}
        GROUP BY ALL""",
    "days_to_first_meeting": f"""
        WITH first AS (
            SELECT i.case_id, min(mt.starts_at) AS first_discussed FROM item i JOIN meeting mt ON mt.id = i.meeting_id
            WHERE mt.status = {HELD} GROUP BY i.case_id)
        SELECT c.house_id, count(*) AS n, median(epoch(f.first_discussed) - epoch(r.submitted_at)) / 86400 AS days
        FROM cases c JOIN first f ON f.case_id = c.id JOIN referral r ON r.id = c.referral_id
        WHERE ({{house}} IS NULL OR c.house_id = {{house}}) AND year(L(f.first_discussed)) = {{year}}
        GROUP BY ALL""",
    "days_to_closure": """
        SELECT c.house_id, count(*) AS n, median(epoch(c.closed_at) - epoch(r.submitted_at)) / 86400 AS days
        FROM cases c JOIN referral r ON r.id = c.referral_id
        WHERE ({house} IS NULL OR c.house_id = {house}) AND year(L(c.closed_at)) = {year}
        GROUP BY ALL""",
}

Key = tuple[int, str, int | None, int | None, int | None, str]


def _sql(key: str, *, year: int, house: int | None) -> str:
    template = MEDIAN_SQL[key] if key in MEDIANS else COUNT_SQL[key]
    # `L(x)`: the house's local time. A macro, not a function: DuckDB inlines it.
    return template.format(year=int(year), house="NULL" if house is None else int(house))


def prepare(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute(f"CREATE OR REPLACE MACRO L(x) AS timezone('{settings.TIME_ZONE}', x)")


def duck_result(
    connection: duckdb.DuckDBPyConnection, key: str, *, year: int, house: int | None
) -> Counter[Key] | dict[int, tuple[int, float]]:
    rows = connection.execute(_sql(key, year=year, house=house)).fetchall()
    if key in MEDIANS:
        return {house_id: (n, float(days)) for house_id, n, days in rows}
    found: Counter[Key] = Counter()
    for house_id, cat, org, g, m, period, n in rows:
        if n:
            found[(house_id, str(cat), None if org is None else int(org), g, m, period)] += n
    return found


# --- the app's side, for the comparison -------------------------------------------------------


def app_result(key: str, *, year: int, houses: Iterable[SafetyHouse]) -> Counter[Key] | dict[int, tuple[int, float]]:
    """The same numbers from the app's own reporting code: the grouped rows a counting
    indicator builds its cube from, or a median's count and value for the year."""
    from casustafel.reporting.grid import GridPeriod
    from casustafel.reporting.indicators.base import Context, computation, house_scope
    from casustafel.reporting.indicators.counts import count_indicator
    from casustafel.reporting.indicators.figures import median_days

    if key in MEDIANS:
        medians = {}
        for house in houses:
            indicator: Any = computation(key)
            ctx = Context(house=house, period=GridPeriod.of_year(year), scope=house_scope(house), threshold=5)
            units = indicator.units(ctx)
            count = units.count()
            if count:
                medians[house.pk] = (count, median_days(units, indicator.start, indicator.end, count))
        return medians
    found: Counter[Key] = Counter()
    for house in houses:
        for row in count_indicator(key).rows(house, year):
            if not row.n:
                continue
            category, org = (
                (row.category[0], int(row.category[1])) if isinstance(row.category, tuple) else (row.category, None)
            )
            found[(house.pk, str(category), org, row.municipality, row.meeting_type, row.period)] += row.n
    return found


def differences(app: Any, duck: Any) -> list[str]:
    """What differs between the two answers (empty when they agree)."""
    if isinstance(app, dict) and not isinstance(app, Counter):
        problems = []
        for house in sorted(set(app) | set(duck)):
            a, d = app.get(house), duck.get(house)
            if a is None or d is None or a[0] != d[0] or abs(a[1] - d[1]) > 1e-6:
                problems.append(f"house {house}: app {a}, duckdb {d}")
        return problems
    keys = sorted(set(app) | set(duck), key=repr)
    return [
        f"{key}: app {app.get(key, 0)}, duckdb {duck.get(key, 0)}"
        for key in keys
        if app.get(key, 0) != duck.get(key, 0)
    ]


def today_year() -> int:
    """The last completed calendar year."""
    return dt.date.today().year - 1
