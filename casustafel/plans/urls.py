"""Plan URLs: under a case (/casussen/<pk>/...) the plan, goals, agreements, bodemeisen, phase,
case direction, closing and follow-up; and 'Mijn afspraken' (/afspraken/)."""

from django.urls import path

from casustafel.plans import views, views_agreements, views_closure, views_direction

app_name = "plans"

case = "casussen/<int:pk>/"

urlpatterns = [
    path("afspraken/", views_agreements.my_agreements_view, name="my_agreements"),
    path(f"{case}plan/", views.plan_view, name="plan"),
    path(f"{case}plan/wijzigen/", views.plan_edit, name="plan_edit"),
    path(f"{case}plan/versies/", views.plan_versions_view, name="plan_versions"),
    path(f"{case}plan/brief/", views.plan_letter, name="plan_letter"),
    path(f"{case}plan/fase/", views.phase_move_view, name="phase_move"),
    path(f"{case}plan/doelen/nieuw/", views.goal_create_view, name="goal_create"),
    path(f"{case}plan/doelen/<int:goal_pk>/", views.goal_edit_view, name="goal_edit"),
    path(f"{case}plan/doelen/<int:goal_pk>/voortgang/", views.goal_progress_view, name="goal_progress"),
    path(f"{case}plan/doelen/<int:goal_pk>/vervallen/", views.goal_withdraw_view, name="goal_withdraw"),
    path(
        f"{case}plan/bodemeisen/<int:requirement_pk>/controle/",
        views.requirement_check_view,
        name="requirement_check",
    ),
    path(f"{case}afspraken/nieuw/", views_agreements.agreement_create_view, name="agreement_create"),
    path(f"{case}afspraken/<int:agreement_pk>/", views_agreements.agreement_view, name="agreement"),
    path(f"{case}afspraken/<int:agreement_pk>/wijzigen/", views_agreements.agreement_edit_view, name="agreement_edit"),
    path(
        f"{case}afspraken/<int:agreement_pk>/antwoord/", views_agreements.agreement_answer_view, name="agreement_answer"
    ),
    path(
        f"{case}afspraken/<int:agreement_pk>/terugkoppeling/",
        views_agreements.agreement_report_view,
        name="agreement_report",
    ),
    path(f"{case}regie/", views_direction.direction_view, name="direction"),
    path(f"{case}regie/voorstel/", views_direction.direction_propose_view, name="direction_propose"),
    path(f"{case}regie/taken/", views_direction.direction_task_view, name="direction_task"),
    path(f"{case}regie/<int:assignment_pk>/antwoord/", views_direction.direction_answer_view, name="direction_answer"),
    path(f"{case}regie/<int:assignment_pk>/beeindigen/", views_direction.direction_end_view, name="direction_end"),
    path(f"{case}afsluiten/", views_closure.case_close_view, name="case_close"),
    path(f"{case}afsluiten/voorstellen/", views_closure.closure_propose_view, name="closure_propose"),
    path(f"{case}nazorg/<int:follow_up_pk>/", views_closure.follow_up_view, name="follow_up"),
]
