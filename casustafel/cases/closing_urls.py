"""Closing a case (process directors of the house)."""

from django.urls import path

from casustafel.cases.views import closing

urlpatterns = [
    path("<int:pk>/afsluiten/", closing.case_close_view, name="case_close"),
]
