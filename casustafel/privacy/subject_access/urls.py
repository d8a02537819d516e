"""Subject access requests (inzageverzoeken), rectification and restriction; included from
`privacy/urls.py` under /privacy/inzageverzoeken/."""

from django.urls import path

from casustafel.privacy.subject_access import views

urlpatterns = [
    path("", views.sar_list, name="sar_list"),
    path("nieuw/", views.sar_create, name="sar_create"),
    path("<int:pk>/", views.sar_detail, name="sar_detail"),
    path("<int:pk>/behandeling/", views.sar_update, name="sar_update"),
    path("<int:pk>/verlengen/", views.sar_extend, name="sar_extend"),
    path("<int:pk>/uitzonderingen/", views.sar_exception_add_view, name="sar_exception_add"),
    path(
        "<int:pk>/uitzonderingen/<int:exception_pk>/beeindigen/",
        views.sar_exception_lift_view,
        name="sar_exception_lift",
    ),
    path("<int:pk>/rectificatie/", views.rectification_add_view, name="sar_rectification_add"),
    path("<int:pk>/beperkingen/", views.restriction_add_view, name="sar_restriction_add"),
    path("<int:pk>/beperkingen/<int:mark_pk>/opheffen/", views.restriction_lift_view, name="sar_restriction_lift"),
    path("<int:pk>/overzicht/", views.sar_overview_page, name="sar_overview"),
    path("<int:pk>/overzicht.pdf", views.sar_overview_pdf, name="sar_overview_pdf"),
]
