"""Creator pages: a user's profile and works, and the works of one pseud."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from quire.people import queries
from quire.people.models import User
from quire.permissions import viewer_for
from quire.works.queries import works_by_pseud, works_by_user
from quire.works.views import paginate


def _user_or_404(username: str) -> User:
    user = queries.user_named(username)
    if user is None:
        raise Http404(f"No creator named {username}.")
    return user


def user_detail(request: HttpRequest, username: str) -> HttpResponse:
    user = _user_or_404(username)
    page = paginate(request, works_by_user(viewer_for(request.user), user))
    context = {"creator": user, "pseuds": queries.pseuds_of(user), "page": page, "pseud": None}
    return render(request, "people/creator.html", context)


def pseud_detail(request: HttpRequest, username: str, pseud_name: str) -> HttpResponse:
    user = _user_or_404(username)
    pseud = queries.pseud_named(user, pseud_name)
    if pseud is None:
        raise Http404(f"{username} has no pseud named {pseud_name}.")
    page = paginate(request, works_by_pseud(viewer_for(request.user), pseud))
    context = {"creator": user, "pseuds": queries.pseuds_of(user), "page": page, "pseud": pseud}
    return render(request, "people/creator.html", context)
