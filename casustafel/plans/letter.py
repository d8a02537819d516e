"""The plan's summary for the household as a letter (PDF, WeasyPrint, tagged, language set): what
the partners are going to do, in the plain words the plan's summary was written in (B1), with who
to call. Always Dutch, whatever language the professional reads in: it is written for the client.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation

from casustafel.plans.models import ActionPlan, Agreement, AgreementKind
from casustafel.plans.roles import current_direction

PRINT_STYLESHEET = "css/plan-letter-print.css"


def plan_letter_pdf(plan: ActionPlan) -> bytes:
    from weasyprint import CSS, HTML  # imported here: loading Pango costs time at start-up

    case = plan.case
    household_agreements = (
        Agreement.objects.filter(case=case, kind=AgreementKind.HOUSEHOLD_ACTION, ended_at__isnull=True)
        .exclude(response="declined")
        .select_related("organisation")
        .order_by("due_date", "pk")
    )
    with translation.override("nl"):
        html = render_to_string(
            "plans/plan_letter_pdf.html",
            {
                "plan": plan,
                "case": case,
                "house": case.house,
                "direction": current_direction(case),
                "agreements": list(household_agreements),
                "printed_on": timezone.localdate(),
            },
        )
    stylesheet = finders.find(PRINT_STYLESHEET)
    stylesheets = [CSS(filename=stylesheet)] if stylesheet else []
    # A local base URL: WeasyPrint must never fetch anything over the network.
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(  # type: ignore[no-any-return]
        stylesheets=stylesheets, pdf_tags=True
    )


def plan_letter_response(plan: ActionPlan) -> HttpResponse:
    response = HttpResponse(plan_letter_pdf(plan), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="brief-plan-casus-{plan.case_id}-v{plan.number}.pdf"'
    return response
