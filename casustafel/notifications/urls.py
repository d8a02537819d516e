"""Notification URLs: the list, opening one (marks it read), marking all read, and the unread
count the header loads; which kinds also come by e-mail."""

from django.urls import path

from casustafel.notifications import preference_views, views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="notification_list"),
    path("aantal/", views.unread_count, name="unread_count"),
    path("instellingen/", preference_views.preferences, name="preferences"),
    path("alles-gelezen/", views.mark_all_read, name="mark_all_read"),
    path("<int:notification_pk>/openen/", views.notification_open, name="notification_open"),
]
