"""Getting in: sign-up (open, by invitation or closed), the invitation queue, email
confirmation, login and logout, and passwords (Django's views, Quire's pages)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.messages.views import SuccessMessageMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.debug import sensitive_post_parameters

from quire.people import actions, queries
from quire.people.emails import Site
from quire.people.forms import EmailForm, LoginForm, QuirePasswordResetForm, SignUpForm
from quire.people.models import SignupMode, User

SIGNED_UP_EMAIL = "signed_up_email"


def member_of(request: HttpRequest) -> User:
    """The signed-in member, for views that require a login."""
    user = request.user
    if not isinstance(user, User):
        raise TypeError("this view is for signed-in members only")
    return user


def site_of(request: HttpRequest) -> Site:
    """Links in emails point back at the address this request came in on."""
    return Site(base_url=request.build_absolute_uri("/"), name=queries.archive_settings().name)


@sensitive_post_parameters("password1", "password2")
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("people:dashboard")
    archive = queries.archive_settings()
    if archive.signup_mode == SignupMode.CLOSED:
        return render(request, "people/accounts/signup_closed.html", {"archive": archive})
    needs_invitation = archive.signup_mode == SignupMode.INVITATION
    if request.method == "POST":
        form = SignUpForm(request.POST, needs_invitation=needs_invitation)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.do_sign_up(
                    username=data["username"],
                    email=data["email"],
                    password=data["password1"],
                    invitation_code=data.get("invitation_code", ""),
                    site=site_of(request),
                )
            except actions.AccountError as error:
                form.add_error(None, str(error))
            else:
                request.session[SIGNED_UP_EMAIL] = data["email"]
                return redirect("people:signup_sent")
    else:
        code = request.GET.get("invitation", "")
        invitation = queries.usable_invitation(code) if code else None
        initial = {"invitation_code": code, "email": invitation.email if invitation else ""}
        form = SignUpForm(initial=initial, needs_invitation=needs_invitation)
    context = {"form": form, "archive": archive, "needs_invitation": needs_invitation}
    return render(request, "people/accounts/signup.html", context)


def signup_sent(request: HttpRequest) -> HttpResponse:
    email = request.session.get(SIGNED_UP_EMAIL, "")
    return render(request, "people/accounts/signup_sent.html", {"email": email})


def confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link from the confirmation email: switches the account on, then asks the
    person to log in (the link itself is never a way in)."""
    user = _user_from_uid(uidb64)
    if user is not None and actions.do_confirm_account(user, token):
        messages.success(request, "Your email address is confirmed. Log in to start.")
        return redirect("people:login")
    if user is not None and user.is_active and not user.awaiting_confirmation:
        messages.info(request, "This account is already confirmed: log in.")
        return redirect("people:login")
    return render(request, "people/accounts/confirm_failed.html", status=400)


def _user_from_uid(uidb64: str) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError):
        return None
    return queries.account_by_id(pk)


def resend_confirmation(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.do_resend_confirmation(form.cleaned_data["email"], site_of(request))
        messages.success(
            request,
            "If an account with that address is waiting for confirmation, a new link is on "
            "its way. It can take a few minutes.",
        )
        return redirect("people:resend_confirmation")
    return render(request, "people/accounts/resend.html", {"form": form})


class LoginView(auth_views.LoginView):
    """Django's login with Quire's form; a paused login answers 429 Too Many Requests."""

    form_class = LoginForm
    template_name = "people/accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Django names the site after the request's host; the page names the archive.
        del context["site"], context["site_name"]
        return context

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if getattr(form, "locked", False):
            response.status_code = 429
        return response


class LogoutView(auth_views.LogoutView):
    """Logging out is a POST (a link could be followed by anything); says it happened."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You are logged out.")
        return response


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):  # type: ignore[type-arg]
    template_name = "people/accounts/password_change.html"
    success_url = reverse_lazy("people:dashboard")
    success_message = "Your password is changed."


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QuirePasswordResetForm
    template_name = "people/accounts/password_reset.html"
    email_template_name = "people/emails/password_reset.txt"
    subject_template_name = "people/emails/password_reset_subject.txt"
    success_url = reverse_lazy("people:password_reset_sent")

    def form_valid(self, form: Any) -> HttpResponse:
        self.extra_email_context = {"archive_name": queries.archive_settings().name}
        return super().form_valid(form)


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "people/accounts/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "people/accounts/password_reset_confirm.html"
    success_url = reverse_lazy("people:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "people/accounts/password_reset_complete.html"


def request_invitation(request: HttpRequest) -> HttpResponse:
    """Join the queue (AO3's invite requests) and see one's place in it."""
    archive = queries.archive_settings()
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = actions.do_request_invitation(form.cleaned_data["email"])
        except actions.AccountError as error:
            form.add_error("email", str(error))
        else:
            joined = {"entry": entry, "position": queries.queue_position(entry), "joined": True}
            return render(request, "people/accounts/invitation_status.html", joined)
    context = {"form": form, "archive": archive, "waiting": queries.invitation_queue().count()}
    return render(request, "people/accounts/request_invitation.html", context)


def invitation_status(request: HttpRequest) -> HttpResponse:
    """Where an address is in the queue (asked by POST, so addresses stay out of URLs)."""
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        entry = queries.invitation_request_for(form.cleaned_data["email"])
        if entry is None:
            form.add_error("email", "That address isn't in the invitation queue.")
        else:
            context = {"entry": entry, "position": queries.queue_position(entry)}
            return render(request, "people/accounts/invitation_status.html", context)
    return render(request, "people/accounts/invitation_status_check.html", {"form": form})
