import datetime as dt
from django.utils import timezone
import time_machine
from casustafel.reporting.services import indicator_catalogue_ensure
from casustafel.reporting.selectors import build_dashboard
from casustafel.reporting.grid import GridPeriod
from casustafel.testing.reporting import submitted_referral, case_of, meeting_type_of, municipalities, moment
from casustafel.cases.models import ReferralStatus

def test_smoke(personas):
    with time_machine.travel(moment(2026, 2, 1), tick=False):
        indicator_catalogue_ensure(personas.house)
        (aland,) = municipalities(personas, "Gemeente Aland")
        mt = meeting_type_of(personas, "Casus-op-Maat")
        for i in range(12):
            submitted_referral(personas, at=moment(2025, 1 + i % 12, 3), municipality=aland, status=ReferralStatus.ACCEPTED, decided_after_days=3)
        for i in range(6):
            case_of(personas, meeting_type=mt, opened=moment(2025, 3, 1), closed=moment(2025, 9, 1) if i % 2 else None)
        d = build_dashboard(personas.house, GridPeriod.of_year(2025))
        for p in d.panels:
            print(p.key, p.result.headline.display if p.result.headline else None, [t.key for t in p.result.tables])
        c = personas.client("process_director")
        r = c.get("/rapportage/?period=2025&scope=h")
        assert r.status_code == 200, r.content[:2000]
        r = c.get("/rapportage/catalogus/")
        assert r.status_code == 200
        r = c.get("/rapportage/jaarverslag/?year=2025")
        assert r.status_code == 200
        r = c.get("/rapportage/export.xlsx?period=2025&scope=h")
        assert r.status_code == 200
