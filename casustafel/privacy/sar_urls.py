"""Subject access requests (inzageverzoeken), rectification and restriction; included from
`privacy/urls.py` under /privacy/inzageverzoeken/."""

from django.urls import path

from casustafel.privacy import views_sar

urlpatterns = [
    path("", views_sar.sar_list, name="sar_list"),
    path("nieuw/", views_sar.sar_create, name="sar_create"),
    path("<int:pk>/", views_sar.sar_detail, name="sar_detail"),
    path("<int:pk>/behandeling/", views_sar.sar_update, name="sar_update"),
    path("<int:pk>/verlengen/", views_sar.sar_extend, name="sar_extend"),
    path("<int:pk>/uitzonderingen/", views_sar.sar_exception_add_view, name="sar_exception_add"),
    path(
        "<int:pk>/uitzonderingen/<int:exception_pk>/beeindigen/",
        views_sar.sar_exception_lift_view,
        name="sar_exception_lift",
    ),
    path("<int:pk>/rectificatie/", views_sar.rectification_add_view, name="sar_rectification_add"),
    path("<int:pk>/beperkingen/", views_sar.restriction_add_view, name="sar_restriction_add"),
    path("<int:pk>/beperkingen/<int:mark_pk>/opheffen/", views_sar.restriction_lift_view, name="sar_restriction_lift"),
    path("<int:pk>/overzicht/", views_sar.sar_overview_page, name="sar_overview"),
    path("<int:pk>/overzicht.pdf", views_sar.sar_overview_pdf, name="sar_overview_pdf"),
]
