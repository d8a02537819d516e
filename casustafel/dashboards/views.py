"""The start page: what needs my attention today, for the role I act in."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.dashboards.selectors import attention_for


@login_required
def start(request: AuthenticatedHttpRequest) -> HttpResponse:
    sections = attention_for(request.user, request.acting)
    return render(request, "dashboards/start.html", {"sections": sections})
