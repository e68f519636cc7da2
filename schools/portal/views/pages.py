"""The pages that show what a school has: its ECTs and mentors, its cohorts, and a change's confirmation."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from config import clock
from schools.portal import presenters, selectors
from schools.portal.views.journeys import CONFIRMATION_KEY


@login_required
def home(request):
    schools = list(selectors.schools_of(request.user))
    if len(schools) == 1:
        return redirect("portal:participants", urn=schools[0].urn)
    return render(request, "portal/home.html", {"schools": schools})


# Summary cards per page: enough to scan, few enough to read on a phone.
PEOPLE_PER_PAGE = 20
LEFT = "left"


@login_required
def participant_list(request, urn):
    """The school's ECTs and mentors as GOV.UK summary cards, searchable and paginated; those who have left
    are listed apart (?show=left)."""
    school = selectors.school_of(request.user, urn)
    lists = presenters.participant_lists(selectors.participants_at(school), clock.today())
    showing_left = request.GET.get("show") == LEFT
    search = request.GET.get("q", "").strip()[:200]
    found = presenters.matching(lists.left if showing_left else lists.here, search)
    page = Paginator(found, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "school": school,
        "lists": lists,
        "showing_left": showing_left,
        "search": search,
        "page": page,
        "page_links": list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)),
        "ellipsis": Paginator.ELLIPSIS,
    }
    return render(request, "portal/participants.html", context)


@login_required
def participant_detail(request, urn, pk):
    school = selectors.school_of(request.user, urn)
    summary = presenters.summarise(selectors.school_period_at(school, pk), clock.today())
    return render(request, "portal/participant.html", {"school": school, "participant": summary})


@login_required
def cohort_list(request, urn):
    school = selectors.school_of(request.user, urn)
    choices = selectors.cohort_choices(school)
    cohorts = [
        {"year": cohort.year, "choice": presenters.choice_text(choices.get(cohort.year))}
        for cohort in selectors.cohorts_from(clock.today())
    ]
    return render(request, "portal/cohorts.html", {"school": school, "cohorts": cohorts})


@login_required
def confirmation(request, urn):
    school = selectors.school_of(request.user, urn)
    shown = request.session.pop(CONFIRMATION_KEY, None)
    if not shown or shown.get("urn") != school.urn:
        return redirect("portal:participants", urn=school.urn)
    return render(request, "portal/confirmation.html", {"school": school, "confirmation": shown})
