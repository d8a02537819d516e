"""Escalation URLs: a case's escalations (and reporting one), and one escalation's page."""

from django.urls import path

from casustafel.escalations import views

app_name = "escalations"

urlpatterns = [
    path("casussen/<int:pk>/escalaties/", views.case_escalations_view, name="case_escalations"),
    path("escalaties/<int:pk>/", views.escalation_view, name="detail"),
    path("escalaties/<int:pk>/opschalen/", views.step_up_view, name="step_up"),
    path("escalaties/<int:pk>/antwoord/", views.answer_view, name="answer"),
    path("escalaties/<int:pk>/afhandelen/", views.resolve_view, name="resolve"),
]
