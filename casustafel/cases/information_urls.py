"""Information on a case: facts, concerns and attachments with their provenance."""

from django.urls import path

from casustafel.cases.views import information

urlpatterns = [
    path("<int:pk>/informatie/", information.case_information_page, name="case_information"),
    path("<int:pk>/informatie/nieuw/", information.case_fact_create, name="case_fact_add"),
    path(
        "<int:pk>/informatie/<int:fact_pk>/intrekken/",
        information.case_fact_withdraw_view,
        name="case_fact_withdraw",
    ),
    path("<int:pk>/bijlagen/nieuw/", information.attachment_create, name="attachment_add"),
    path(
        "<int:pk>/bijlagen/<int:attachment_pk>/download/",
        information.attachment_download,
        name="attachment_download",
    ),
    path(
        "<int:pk>/bijlagen/<int:attachment_pk>/intrekken/",
        information.attachment_withdraw_view,
        name="attachment_withdraw",
    ),
]
