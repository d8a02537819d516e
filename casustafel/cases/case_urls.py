"""Case routes: 'Mijn casussen', the case page and its involved organisations, the timeline."""

from django.urls import path

from casustafel.cases.views import cases, timeline

urlpatterns = [
    path("", cases.case_list, name="case_list"),
    path("<int:pk>/", cases.case_detail, name="case_detail"),
    path("<int:pk>/tijdlijn/", timeline.case_timeline_view, name="case_timeline"),
    path("<int:pk>/betrokken-organisaties/", cases.involvement_add, name="case_involvement_add"),
    path(
        "<int:pk>/betrokken-organisaties/contactpersonen/",
        cases.involvement_contacts_view,
        name="case_involvement_contacts",
    ),
    path(
        "<int:pk>/betrokken-organisaties/<int:involvement_pk>/beeindigen/",
        cases.involvement_end,
        name="case_involvement_end",
    ),
    path(
        "<int:pk>/betrokken-organisaties/<int:involvement_pk>/medewerkers/",
        cases.involvement_name_people,
        name="case_involvement_named",
    ),
]
