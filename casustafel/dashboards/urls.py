from django.urls import path

from casustafel.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.start, name="start"),
    path("favicon.ico", views.favicon, name="favicon"),
]
