"""Report URLs: the page and its CSV and XLSX exports."""

from django.urls import path

from casustafel.reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.report, name="report"),
    path("export.csv", views.report_export, {"file_format": "csv"}, name="export_csv"),
    path("export.xlsx", views.report_export, {"file_format": "xlsx"}, name="export_xlsx"),
]
