"""Signing in and out, and choosing a password from an invitation."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

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
        user.set_password(form.cleaned_data["password"])
        user.save(update_fields=["password"])
        auth.clear_failures(user.email)
        login(request, user)
        return redirect("portal:home")
    return render(request, "portal/set_password.html", {"form": form, "errors": error_summary(form)})


@require_POST
def sign_out(request):
    logout(request)
    return redirect("portal:sign-in")
