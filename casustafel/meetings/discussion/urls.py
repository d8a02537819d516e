"""URLs of the live meeting and the minutes (included by casustafel/meetings/urls.py)."""

from django.urls import path

from casustafel.meetings.discussion import guide_views, views

urlpatterns = [
    path("overlegtypen/<int:pk>/leidraad/", views.meeting_type_guide, name="meeting_type_guide"),
    path("overlegtypen/<int:pk>/leidraad/concept/", guide_views.guide_draft, name="guide_draft"),
    path(
        "overlegtypen/<int:pk>/leidraad/concept/<str:kind>/<int:obj_pk>/",
        guide_views.guide_draft_change,
        name="guide_draft_change",
    ),
    path(
        "overlegtypen/<int:pk>/leidraad/concept/publiceren/",
        guide_views.guide_draft_publish,
        name="guide_draft_publish",
    ),
    path("<int:meeting_pk>/live/", views.live_meeting, name="live_meeting"),
    path("<int:meeting_pk>/live/<int:item_pk>/", views.live_item_page, name="live_item"),
    path("<int:meeting_pk>/live/<int:item_pk>/tijd/", views.live_timer, name="live_timer"),
    path("<int:meeting_pk>/live/<int:item_pk>/deel/", views.live_part, name="live_part"),
    path("<int:meeting_pk>/live/<int:item_pk>/aanwezig/", views.live_attendance, name="live_attendance"),
    path(
        "<int:meeting_pk>/live/<int:item_pk>/onderdeel/<int:guide_part_pk>/overslaan/",
        views.live_skip,
        name="live_skip",
    ),
    path(
        "<int:meeting_pk>/live/<int:item_pk>/antwoord/<int:question_pk>/",
        views.live_answer,
        name="live_answer",
    ),
    path("<int:meeting_pk>/live/<int:item_pk>/vastleggen/", views.live_capture, name="live_capture"),
    path(
        "<int:meeting_pk>/live/<int:item_pk>/vastlegging/<int:entry_pk>/verwijderen/",
        views.live_entry_remove,
        name="live_entry_remove",
    ),
    path("<int:meeting_pk>/verslag/", views.minutes_page, name="minutes"),
    path("<int:meeting_pk>/verslag/pdf/", views.minutes_pdf, name="minutes_pdf"),
    path("<int:meeting_pk>/verslag/goedkeuren/", views.minutes_approve, name="minutes_approve"),
    path("<int:meeting_pk>/verslag/<int:item_pk>/", views.minutes_item_page, name="minutes_item"),
    path("<int:meeting_pk>/verslag/<int:item_pk>/pdf/", views.minutes_item_pdf, name="minutes_item_pdf"),
]
