"""Signing in and out, choosing a password from an invitation, and resetting a forgotten one."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from config import emails
from schools.portal import auth, forms, invitations
from schools.portal.views.errors import error_summary


def sign_in(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    form = forms.SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = auth.check_credentials(
            request, email=form.cleaned_data["email"], password=form.cleaned_data["password"]
        )
        if result.user is not None:
            login(request, result.user)
            return redirect(next_url or "portal:home")
        form.add_error("email", result.error)
    return render(request, "portal/sign_in.html", {"form": form, "errors": error_summary(form), "next": next_url})


def set_password(request, uidb64, token):
    """An invited user chooses their password, then is signed in."""
    user = invitations.invited_user(uidb64, token)
    if user is None:
        return render(request, "portal/invitation_expired.html", status=404)
    form = forms.NewPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        login(request, form.save())
        return redirect("portal:home")
    return render(request, "portal/set_password.html", {"form": form, "errors": error_summary(form)})


@require_POST
def sign_out(request):
    logout(request)
    return redirect("portal:sign-in")


# Resetting a forgotten password: Django's views, in GOV.UK pages with GOV.UK error summaries.

# When the email queue (Redis) cannot take the link: long enough for a restart or failover to finish.
NOT_SENT_RETRY_AFTER_SECONDS = 60


class _WithErrorSummary:
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context.get("form")
        context["errors"] = error_summary(form) if form is not None and form.is_bound else []
        return context


class PasswordResetStart(_WithErrorSummary, auth_views.PasswordResetView):
    form_class = forms.PasswordResetForm
    template_name = "portal/password_reset/start.html"
    subject_template_name = "portal/emails/password_reset_subject.txt"
    email_template_name = "portal/emails/password_reset.txt"
    success_url = reverse_lazy("portal:password-reset-sent")

    @property
    def extra_email_context(self):
        return {"contact_email": settings.PORTAL_CONTACT_EMAIL}

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except emails.EmailNotQueued:
            response = render(self.request, "portal/password_reset/not_sent.html", status=503)
            response["Retry-After"] = str(NOT_SENT_RETRY_AFTER_SECONDS)
            return response


class PasswordResetSent(auth_views.PasswordResetDoneView):
    template_name = "portal/password_reset/sent.html"


class PasswordResetChoose(_WithErrorSummary, auth_views.PasswordResetConfirmView):
    form_class = forms.NewPasswordForm
    template_name = "portal/password_reset/choose.html"
    success_url = reverse_lazy("portal:password-reset-done")


class PasswordResetDone(auth_views.PasswordResetCompleteView):
    template_name = "portal/password_reset/done.html"
