from django.contrib.auth.decorators import login_required
from django.urls import path

from schools.portal.views import (
    accounts,
    cohorts,
    information,
    journeys,
    pages,
    participant_changes,
    registration,
    school_details,
)

app_name = "portal"

JOURNEYS = [
    registration.RegisterEct,
    registration.RegisterMentor,
    participant_changes.ChangeName,
    participant_changes.ChangeEmail,
    participant_changes.ReportLeaving,
    participant_changes.ChangeLeavingDate,
    participant_changes.WithdrawLeavingDate,
    participant_changes.AssignMentor,
    participant_changes.RegisterMentorForEct,
    participant_changes.SwitchProgramme,
    participant_changes.ChangeLeadProvider,
    participant_changes.ChangeWorkingPattern,
    participant_changes.ChangeAppropriateBody,
    cohorts.CohortChoice,
    cohorts.CohortDeliveryPartner,
    school_details.ChangeInductionTutor,
]


def journey_urls():
    """Each journey's question page and its check page; the confirmation page is shared."""
    patterns = []
    for journey_class in JOURNEYS:
        url = journey_class.url
        view_kwargs = {"journey_class": journey_class}
        patterns.append(
            path(f"<str:urn>/{url}", login_required(journeys.question), view_kwargs, name=journey_class.slug)
        )
        patterns.append(
            path(
                f"<str:urn>/{url}check/",
                login_required(journeys.check),
                view_kwargs,
                name=f"{journey_class.slug}-check",
            )
        )
    return patterns


urlpatterns = [
    path("", pages.home, name="home"),
    path("sign-in/", accounts.sign_in, name="sign-in"),
    path("sign-out/", accounts.sign_out, name="sign-out"),
    path("set-password/<str:uidb64>/<str:token>/", accounts.set_password, name="set-password"),
    path("password-reset/", accounts.PasswordResetStart.as_view(), name="password-reset"),
    path("password-reset/sent/", accounts.PasswordResetSent.as_view(), name="password-reset-sent"),
    path("password-reset/done/", accounts.PasswordResetDone.as_view(), name="password-reset-done"),
    path(
        "password-reset/<str:uidb64>/<str:token>/",
        accounts.PasswordResetChoose.as_view(),
        name="password-reset-choose",
    ),
    # Before the school pages, whose first path segment is any URN.
    path("help/", information.help_page, name="help"),
    path("accessibility/", information.accessibility, name="accessibility"),
    path("cookies/", information.cookies, name="cookies"),
    path("privacy/", information.privacy, name="privacy"),
    path("<str:urn>/", pages.participant_list, name="participants"),
    path("<str:urn>/confirmation/", pages.confirmation, name="confirmation"),
    path("<str:urn>/participants/<int:pk>/", pages.participant_detail, name="participant"),
    path("<str:urn>/cohorts/", pages.cohort_list, name="cohorts"),
    path("<str:urn>/details/", school_details.school_details, name="school-details"),
    *journey_urls(),
]
