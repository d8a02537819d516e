"""Meeting URLs. For now: the administration of meeting types and their input requirements."""

from django.urls import include, path

from casustafel.meetings import views

app_name = "meetings"

urlpatterns = [
    path("overlegtypen/", views.meeting_type_list, name="meeting_type_list"),
    path("overlegtypen/nieuw/", views.meeting_type_create_view, name="meeting_type_create"),
    path("overlegtypen/standaard/", views.meeting_type_install_default, name="meeting_type_install_default"),
    path("overlegtypen/<int:pk>/", views.meeting_type_detail, name="meeting_type_detail"),
    path("overlegtypen/<int:pk>/wijzigen/", views.meeting_type_edit, name="meeting_type_edit"),
    path("overlegtypen/<int:pk>/inputeisen/", views.input_requirement_add_view, name="input_requirement_add"),
    path(
        "overlegtypen/<int:pk>/inputeisen/<int:requirement_pk>/verwijderen/",
        views.input_requirement_remove_view,
        name="input_requirement_remove",
    ),
    # The live meeting and the minutes.
    path("", include("casustafel.meetings.discussion.urls")),
]
