"""Meeting URLs: the administration of meeting types, and meetings with their agendas.

Every URL with a meeting or item id is in the leak table (tests/leak/meetings.py)."""

from django.urls import include, path

from casustafel.meetings.views import items, meetings
from casustafel.meetings.views import meeting_types as views

app_name = "meetings"

ITEM = "<int:meeting_pk>/agenda/<int:item_pk>/"

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
    # Meetings and their agendas.
    path("", meetings.meeting_list, name="meeting_list"),
    path("nieuw/", meetings.meeting_create, name="meeting_create"),
    path("<int:meeting_pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("<int:meeting_pk>/wijzigen/", meetings.meeting_edit, name="meeting_edit"),
    path("<int:meeting_pk>/annuleren/", meetings.meeting_cancel_view, name="meeting_cancel"),
    path("<int:meeting_pk>/agenda/voorstellen/", meetings.agenda_propose_view, name="agenda_propose"),
    path("<int:meeting_pk>/agenda/toevoegen/", meetings.agenda_item_add_view, name="agenda_item_add"),
    path("<int:meeting_pk>/uitnodigingen/versturen/", meetings.invitations_send_view, name="invitations_send"),
    path("<int:meeting_pk>/aanwezigheid/", meetings.attendance_edit, name="attendance_edit"),
    path(ITEM, items.agenda_item_detail, name="agenda_item_detail"),
    path(ITEM + "wijzigen/", items.agenda_item_edit, name="agenda_item_edit"),
    path(ITEM + "verplaatsen/", items.agenda_item_move_view, name="agenda_item_move"),
    path(ITEM + "verwijderen/", items.agenda_item_remove_view, name="agenda_item_remove"),
    path(ITEM + "stalking/", items.case_separation, name="case_separation"),
    path(ITEM + "uitnodigingen/", items.invitation_add_view, name="invitation_add"),
    path(
        ITEM + "uitnodigingen/<int:invitation_pk>/verwijderen/",
        items.invitation_remove_view,
        name="invitation_remove",
    ),
    path(
        ITEM + "uitnodigingen/<int:invitation_pk>/antwoord/", items.invitation_respond_view, name="invitation_respond"
    ),
    path(ITEM + "splitsen/", items.agenda_item_split_view, name="agenda_item_split"),
    path(ITEM + "delen/nieuw/", items.part_add_view, name="part_add"),
    path(ITEM + "delen/<int:part_pk>/", items.part_edit, name="part_edit"),
    path(ITEM + "delen/<int:part_pk>/verwijderen/", items.part_remove_view, name="part_remove"),
    path(ITEM + "clienten/", items.client_participation_edit, name="client_participation_edit"),
    path(ITEM + "uitnodigingsbrief.pdf", items.client_letter, name="client_letter"),
    # The live meeting and the minutes.
    path("", include("casustafel.meetings.discussion.urls")),
]
