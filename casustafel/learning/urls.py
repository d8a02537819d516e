"""Learning-cycle URLs, under /leren/."""

from django.urls import path

from casustafel.learning import views_assessment, views_effort, views_improvement

app_name = "learning"

urlpatterns = [
    path("", views_improvement.home, name="home"),
    path("zelfevaluaties/nieuw/", views_assessment.assessment_create, name="assessment_create"),
    path("zelfevaluaties/<int:pk>/", views_assessment.assessment_view, name="assessment"),
    path("zelfevaluaties/<int:pk>/deelnemers/", views_assessment.assessment_invite_view, name="assessment_invite"),
    path(
        "zelfevaluaties/<int:pk>/openen/",
        views_assessment.assessment_status_view,
        {"step": "open"},
        name="assessment_open",
    ),
    path(
        "zelfevaluaties/<int:pk>/sluiten/",
        views_assessment.assessment_status_view,
        {"step": "close"},
        name="assessment_close",
    ),
    path("zelfevaluaties/<int:pk>/invullen/", views_assessment.assessment_fill, name="assessment_fill"),
    path("zelfevaluaties/<int:pk>/resultaten/", views_assessment.assessment_results, name="assessment_results"),
    path("verbeterplannen/nieuw/", views_improvement.plan_create, name="plan_create"),
    path("verbeterplannen/<int:pk>/", views_improvement.plan_view, name="plan"),
    path("verbeterplannen/<int:pk>/afronden/", views_improvement.plan_close, name="plan_close"),
    path("verbeterplannen/<int:pk>/acties/nieuw/", views_improvement.action_create, name="action_create"),
    path("verbeteracties/<int:pk>/", views_improvement.action_view, name="action"),
    path("verbeteracties/<int:pk>/wijzigen/", views_improvement.action_edit, name="action_edit"),
    path("verbeteracties/<int:pk>/terugkoppeling/", views_improvement.action_report, name="action_report"),
    path("verbeteracties/<int:pk>/laten-vervallen/", views_improvement.action_drop, name="action_drop"),
    path("verbeteracties/<int:pk>/waardering/", views_improvement.action_rate, name="action_rate"),
    path("inspanning/", views_effort.effort_list, name="effort"),
    path("inspanning/overzicht/", views_effort.effort_overview, name="effort_overview"),
    path("inspanning/<int:pk>/", views_effort.effort_edit, name="effort_edit"),
    path("inspanning/<int:pk>/verwijderen/", views_effort.effort_delete, name="effort_delete"),
]
