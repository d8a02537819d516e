"""The product's URLs plus the reference of `bench/pages.py`: a view doing one query behind the
whole middleware stack (session, authentication, idle timeout, acting membership, CSP)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from casustafel.organisations.models import SafetyHouse
from casustafel.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


@login_required
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"{SafetyHouse.objects.count()}", content_type="text/plain")


def floor(request: HttpRequest) -> HttpResponse:
    """No login: the framework's floor (the middleware still runs, but finds no session)."""
    return HttpResponse(f"{SafetyHouse.objects.count()}", content_type="text/plain")


urlpatterns = [*urlpatterns, path("_bench/bare/", bare), path("_bench/floor/", floor)]
