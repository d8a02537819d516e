"""Report URLs: the dashboards with their exports and drill-down, the indicator catalogue, the
annual report."""

from django.urls import path

from casustafel.reporting import views, views_annual, views_catalogue

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard, name="report"),
    path("export.csv", views.dashboard_export, {"file_format": "csv"}, name="export_csv"),
    path("export.xlsx", views.dashboard_export, {"file_format": "xlsx"}, name="export_xlsx"),
    path("casussen/", views.drill, name="drill"),
    path("catalogus/", views_catalogue.catalogue_list, name="catalogue"),
    path("catalogus/export.csv", views_catalogue.catalogue_export, {"file_format": "csv"}, name="catalogue_csv"),
    path("catalogus/export.xlsx", views_catalogue.catalogue_export, {"file_format": "xlsx"}, name="catalogue_xlsx"),
    path("catalogus/nieuw/", views_catalogue.indicator_add, name="indicator_add"),
    path("catalogus/<slug:key>/", views_catalogue.indicator_detail, name="indicator"),
    path("catalogus/<slug:key>/cijfer/", views_catalogue.external_figure_save, name="external_figure"),
    path("jaarverslag/", views_annual.annual_report, name="annual_report"),
    path("jaarverslag/<int:year>/status/", views_annual.annual_status, name="annual_status"),
    path("jaarverslag/<int:year>/editie/", views_annual.annual_edition_request, name="annual_edition"),
    path("jaarverslag/<int:year>/hoofdstuk/<str:key>/", views_annual.annual_section_save, name="annual_section"),
    path(
        "jaarverslag/<int:year>/editie/<int:number>.pdf",
        views_annual.annual_download,
        {"file_format": "pdf"},
        name="annual_pdf",
    ),
    path(
        "jaarverslag/<int:year>/editie/<int:number>.xlsx",
        views_annual.annual_download,
        {"file_format": "xlsx"},
        name="annual_xlsx",
    ),
]
