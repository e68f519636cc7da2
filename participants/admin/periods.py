"""School, training, mentorship and induction periods, each on its own list with the participant's ids to search.

Their dates, partnerships, schedules and mentors are read-only here and on the participant's page: each changes on
a guarded page (participants.admin.guarded) that calls the service owning its rules. A school period's email and
working pattern stay editable in place.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.urls import path

from config import clock
from config.admin import IdentifierSearchMixin, ReasonFields, ShownOnly, SupportModelAdmin, require
from participants import status
from participants.admin.guarded import found, guarded_change, long_date, page_link
from participants.admin.school_period_details import SchoolPeriodDetailsForm, save_through_actions
from participants.admin.search import PARTICIPANT_SEARCH, PARTICIPANT_UUIDS
from participants.admin.support import InductionPeriodForm, induction_summary
from participants.models import InductionPeriod, Mentorship, SchoolPeriod, TrainingPeriod
from schedules.models import SCHEDULE_IDENTIFIERS, Cohort
from schools.models import Partnership
from training.support import induction, mentorships, school_periods, training_periods


class GuardedLinks:
    """Read-only rows that link to their guarded change pages, for those who may use them.

    `guarded_links` lists (permission, method name) pairs; each method returns the row's link.
    """

    guarded_links: tuple[tuple[str, str], ...] = ()

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        links = {name for _, name in self.guarded_links}
        allowed = [name for permission, name in self.guarded_links if request.user.has_perm(permission)]
        return [*(f for f in fields if f not in links), *allowed]

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *(name for _, name in self.guarded_links))


class ReadOnlyRows(ShownOnly):
    """Inline rows shown, never added, changed or deleted in place."""

    extra = 0
    can_delete = False


# --- training periods: partnership and schedule ----------------------------------------------------------------------


class TrainingLinks(GuardedLinks):
    guarded_links = (
        ("participants.change_trainingperiod", "change_partnership"),
        ("participants.change_trainingperiod", "change_schedule"),
    )

    @admin.display(description="partnership change")
    def change_partnership(self, obj):
        return page_link("participants_trainingperiod_partnership", obj, "Change partnership")

    @admin.display(description="schedule change")
    def change_schedule(self, obj):
        return page_link("participants_trainingperiod_schedule", obj, "Change schedule")


TRAINING_FIELDS = (
    "programme_type",
    "lead_provider",
    "partnership",
    "schedule",
    "started_on",
    "finished_on",
    "deferred_at",
    "deferral_reason",
    "withdrawn_at",
    "withdrawal_reason",
)


class TrainingPeriodInline(TrainingLinks, ReadOnlyRows, admin.TabularInline):
    model = TrainingPeriod
    fields = TRAINING_FIELDS
    readonly_fields = TRAINING_FIELDS
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("lead_provider", "partnership", "schedule")


class PartnershipForm(ReasonFields):
    partnership = forms.UUIDField(
        label="Partnership id",
        help_text="The partnership's id, as lead providers see it. The partnerships at this school are listed above.",
        error_messages={
            "required": "Enter the partnership id",
            "invalid": "Enter a partnership id, like the ones above",
        },
    )

    def clean_partnership(self):
        partnership = (
            Partnership.objects.select_related("school", "lead_provider")
            .filter(api_id=self.cleaned_data["partnership"])
            .first()
        )
        if partnership is None:
            raise forms.ValidationError("No partnership has this id.")
        return partnership


class ScheduleForm(ReasonFields):
    schedule_identifier = forms.ChoiceField(
        label="Schedule", choices=[("", "Choose a schedule"), *((i, i) for i in SCHEDULE_IDENTIFIERS)]
    )
    cohort = forms.TypedChoiceField(label="Cohort", coerce=int, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].choices = [(year, str(year)) for year in Cohort.objects.values_list("year", flat=True)]


def training_summary(training: TrainingPeriod) -> list[tuple[str, str]]:
    partnership = training.partnership
    return [
        ("Lead provider", str(training.lead_provider or "None (school-led)")),
        ("Partnership", partnership_label(partnership) if partnership else "None confirmed yet"),
        ("Schedule", str(training.schedule or "None")),
        ("Dates", f"{long_date(training.started_on)} to {long_date(training.finished_on)}"),
    ]


def partnership_label(partnership: Partnership) -> str:
    return (
        f"{partnership.school.name} with {partnership.lead_provider.name} and {partnership.delivery_partner.name}, "
        f"{partnership.cohort_id} cohort (id {partnership.api_id})"
    )


# --- mentorships ---------------------------------------------------------------------------------------------------


class MentorshipLinks(GuardedLinks):
    guarded_links = (("participants.change_mentorship", "change_dates"),)

    @admin.display(description="change")
    def change_dates(self, obj):
        return page_link("participants_mentorship_dates", obj, "Change dates")


class MentorshipInline(MentorshipLinks, ReadOnlyRows, admin.TabularInline):
    """The mentors of this ECT school period."""

    model = Mentorship
    fk_name = "ect_school_period"
    fields = ("mentor_school_period", "started_on", "finished_on")
    readonly_fields = fields
    verbose_name = "mentor"
    verbose_name_plural = "mentors (when this is an ECT's period)"


class MenteeInline(MentorshipLinks, ReadOnlyRows, admin.TabularInline):
    """The ECTs mentored during this mentor school period."""

    model = Mentorship
    fk_name = "mentor_school_period"
    fields = ("ect_school_period", "started_on", "finished_on")
    readonly_fields = fields
    verbose_name = "mentee"
    verbose_name_plural = "mentees (when this is a mentor's period)"


class MentorshipDatesForm(ReasonFields):
    started_on = forms.DateField(label="Start date", required=False, help_text="For example 2025-09-01")
    finished_on = forms.DateField(
        label="End date", required=False, help_text="For example 2026-07-31. Leave it blank while mentoring goes on."
    )


# --- school periods --------------------------------------------------------------------------------------------------


class SchoolPeriodLinks(GuardedLinks):
    guarded_links = (("participants.change_schoolperiod", "end_link"),)

    @admin.display(description="end")
    def end_link(self, obj):
        return page_link("participants_schoolperiod_end", obj, "End at this school")


class EndSchoolPeriodForm(ReasonFields):
    finished_on = forms.DateField(
        label="Last day at the school", required=False, help_text="For example 2026-07-31. It may be in the future."
    )


@admin.register(SchoolPeriod)
class SchoolPeriodAdmin(SchoolPeriodLinks, IdentifierSearchMixin, SupportModelAdmin):
    list_display = ("participant", "participant_type", "school", "started_on", "finished_on", "email")
    list_select_related = ("participant", "school")
    list_filter = ("participant_type",)
    search_fields = (*PARTICIPANT_SEARCH, "^school__urn", "email")
    uuid_search_fields = PARTICIPANT_UUIDS
    fields = (
        "participant",
        "school",
        "participant_type",
        "started_on",
        "finished_on",
        "email",
        "working_pattern",
        "appropriate_body",
        "mentoring_only_here",
    )
    # New school periods come from the school's registration; dates change on the guarded page; mentoring only here
    # is answered at registration, where it has its effect (SC6). The rest is saved through the school's actions.
    readonly_fields = (
        "participant",
        "school",
        "participant_type",
        "started_on",
        "finished_on",
        "mentoring_only_here",
        "created_at",
    )
    form = SchoolPeriodDetailsForm
    inlines = (TrainingPeriodInline, MentorshipInline, MenteeInline)

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        save_through_actions([form], now=clock.now())

    def get_urls(self):
        return [
            path(
                "<path:object_id>/end/",
                self.admin_site.admin_view(self.end_view),
                name="participants_schoolperiod_end",
            ),
            *super().get_urls(),
        ]

    def end_view(self, request, object_id):
        require(request, "participants.change_schoolperiod")
        school_period = found(self, request, object_id)
        participant = school_period.participant
        return guarded_change(
            self,
            request,
            participant=participant,
            form=EndSchoolPeriodForm(request.POST or None),
            title=f"End {participant.full_name}'s time at {school_period.school.name}",
            current=[
                ("School", school_period.school.name),
                ("As", school_period.get_participant_type_display()),
                ("Dates", f"{long_date(school_period.started_on)} to {long_date(school_period.finished_on)}"),
            ],
            effect=(
                "As when the school reports them leaving: their training and mentorships there end on this day, and "
                "any that would start after it are removed. Providers see them as leaving, then left."
            ),
            form_heading="Their last day",
            submit="End their time at this school",
            action="end_school_period",
            run=lambda now, finished_on: school_periods.end_school_period(
                school_period=school_period, finished_on=finished_on, now=now
            ),
            fields={"leaving_on": "finished_on"},
            done="Their time at the school was ended.",
        )


@admin.register(TrainingPeriod)
class TrainingPeriodAdmin(TrainingLinks, ShownOnly, IdentifierSearchMixin, SupportModelAdmin):
    """Read-only: providers defer, withdraw and resume; a partnership or schedule changes on its guarded page."""

    list_display = (
        "participant",
        "participant_type",
        "programme_type",
        "lead_provider",
        "schedule",
        "started_on",
        "finished_on",
        "training_status",
    )
    list_select_related = ("school_period__participant", "lead_provider", "schedule")
    list_filter = ("programme_type", "lead_provider", "schedule__cohort")
    search_fields = ("school_period__participant__full_name", "^school_period__participant__trn")
    uuid_search_fields = tuple(f"school_period__{name}" for name in PARTICIPANT_UUIDS)
    fields = ("school_period", *TRAINING_FIELDS, "created_at")
    readonly_fields = fields

    @admin.display(ordering="school_period__participant__full_name")
    def participant(self, obj):
        return obj.school_period.participant

    @admin.display(description="type", ordering="school_period__participant_type")
    def participant_type(self, obj):
        return obj.school_period.get_participant_type_display()

    @admin.display(description="training status")
    def training_status(self, obj):
        return status.training_status(deferred_at=obj.deferred_at, withdrawn_at=obj.withdrawn_at)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/partnership/",
                view(self.partnership_view),
                name="participants_trainingperiod_partnership",
            ),
            path("<path:object_id>/schedule/", view(self.schedule_view), name="participants_trainingperiod_schedule"),
            *super().get_urls(),
        ]

    def _training(self, request, object_id) -> TrainingPeriod:
        require(request, "participants.change_trainingperiod")
        training = found(self, request, object_id)
        return TrainingPeriod.objects.select_related(
            "school_period__participant", "school_period__school", "lead_provider", "schedule", "partnership__school"
        ).get(pk=training.pk)

    def partnership_view(self, request, object_id):
        training = self._training(request, object_id)
        participant = training.school_period.participant
        school = training.school_period.school
        at_school = Partnership.objects.filter(school=school).select_related(
            "school", "lead_provider", "delivery_partner"
        )
        return guarded_change(
            self,
            request,
            participant=participant,
            form=PartnershipForm(request.POST or None),
            title=f"Change the partnership of {participant.full_name}'s training",
            current=[
                *training_summary(training),
                *(("Partnership at this school", partnership_label(p)) for p in at_school.order_by("cohort_id")),
            ],
            effect=(
                "The partnership must be the school's with the training's lead provider, in its schedule's cohort. "
                "The provider then sees this training under its school, delivery partner and cohort at once."
            ),
            form_heading="The right partnership",
            submit="Change the partnership",
            action="change_training_partnership",
            run=lambda now, partnership: training_periods.change_partnership(
                training=training, partnership=partnership, now=now
            ),
            done="The training's partnership was changed.",
        )

    def schedule_view(self, request, object_id):
        training = self._training(request, object_id)
        participant = training.school_period.participant
        initial = {"cohort": training.schedule.cohort_id} if training.schedule else {}
        return guarded_change(
            self,
            request,
            participant=participant,
            form=ScheduleForm(request.POST or None, initial=initial),
            title=f"Change the schedule of {participant.full_name}'s training",
            current=training_summary(training),
            effect=(
                "This is the lead provider's own change of schedule, made for them, with the same rules. Training "
                "that has started ends yesterday and carries on from today on the new schedule; training yet to "
                "start changes in place. The provider sees the new schedule and cohort at once."
            ),
            form_heading="The new schedule",
            submit="Change the schedule",
            action="change_training_schedule",
            run=lambda now, schedule_identifier, cohort: training_periods.change_schedule(
                training=training, schedule_identifier=schedule_identifier, cohort=cohort, now=now
            ),
            done="The training's schedule was changed.",
        )


@admin.register(Mentorship)
class MentorshipAdmin(MentorshipLinks, ShownOnly, IdentifierSearchMixin, SupportModelAdmin):
    """Read-only: schools assign mentors; support corrects a mentorship's dates on its guarded page."""

    list_display = ("ect", "mentor", "started_on", "finished_on")
    list_select_related = ("ect_school_period__participant", "mentor_school_period__participant")
    search_fields = ("ect_school_period__participant__full_name", "mentor_school_period__participant__full_name")
    uuid_search_fields = ("ect_school_period__participant__api_id", "mentor_school_period__participant__api_id")
    fields = ("ect_school_period", "mentor_school_period", "started_on", "finished_on", "created_at")
    readonly_fields = fields

    @admin.display(ordering="ect_school_period__participant__full_name", description="ECT")
    def ect(self, obj):
        return obj.ect_school_period.participant

    @admin.display(ordering="mentor_school_period__participant__full_name")
    def mentor(self, obj):
        return obj.mentor_school_period.participant

    def get_urls(self):
        return [
            path(
                "<path:object_id>/dates/",
                self.admin_site.admin_view(self.dates_view),
                name="participants_mentorship_dates",
            ),
            *super().get_urls(),
        ]

    def dates_view(self, request, object_id):
        require(request, "participants.change_mentorship")
        mentorship = found(self, request, object_id)
        ect_period, mentor_period = mentorship.ect_school_period, mentorship.mentor_school_period
        ect = ect_period.participant
        initial = {"started_on": mentorship.started_on, "finished_on": mentorship.finished_on}
        return guarded_change(
            self,
            request,
            participant=ect,
            form=MentorshipDatesForm(request.POST or None, initial=initial),
            title=f"Change when {mentor_period.participant.full_name} mentors {ect.full_name}",
            current=[
                ("ECT", f"{ect.full_name} at {ect_period.school.name}, {_dates(ect_period)}"),
                (
                    "Mentor",
                    f"{mentor_period.participant.full_name} at {mentor_period.school.name}, {_dates(mentor_period)}",
                ),
                ("Mentoring", _dates(mentorship)),
            ],
            effect=(
                "Mentoring must fall within both teachers' time at the school, and an ECT has one mentor at a time. "
                "Providers see the ECT's current or next mentor as their mentor_id."
            ),
            form_heading="Mentoring dates",
            submit="Change the dates",
            action="correct_mentorship",
            run=lambda now, started_on, finished_on: mentorships.correct_mentorship(
                mentorship=mentorship, started_on=started_on, finished_on=finished_on, now=now
            ),
            done="The mentorship's dates were changed.",
        )


def _dates(period) -> str:
    return f"{long_date(period.started_on)} to {long_date(period.finished_on)}"


# --- induction periods ---------------------------------------------------------------------------------------------


class InductionLinks(GuardedLinks):
    guarded_links = (("participants.change_inductionperiod", "change_induction"),)

    @admin.display(description="change")
    def change_induction(self, obj):
        label = "Record the outcome" if obj.finished_on is None else "Correct"
        return page_link("participants_inductionperiod_correct", obj, label)


@admin.register(InductionPeriod)
class InductionPeriodAdmin(InductionLinks, ShownOnly, IdentifierSearchMixin, SupportModelAdmin):
    """Read-only here: new periods are recorded from the participant's page, outcomes and corrections on their
    own page, each through the service (O9, F13–F15)."""

    list_display = ("participant", "appropriate_body_name", "started_on", "finished_on", "outcome")
    list_select_related = ("participant",)
    list_filter = ("outcome",)
    search_fields = (*PARTICIPANT_SEARCH, "appropriate_body_name")
    uuid_search_fields = PARTICIPANT_UUIDS
    raw_id_fields = ("participant",)
    fields = ("participant", "appropriate_body_name", "started_on", "finished_on", "outcome", "created_at")
    readonly_fields = fields

    def get_urls(self):
        return [
            path(
                "<path:object_id>/correct/",
                self.admin_site.admin_view(self.correct_view),
                name="participants_inductionperiod_correct",
            ),
            *super().get_urls(),
        ]

    def correct_view(self, request, object_id):
        require(request, "participants.change_inductionperiod")
        period = found(self, request, object_id)
        participant = period.participant
        initial = {
            "appropriate_body_name": period.appropriate_body_name,
            "started_on": period.started_on,
            "finished_on": period.finished_on,
            "outcome": period.outcome or "",
        }
        is_open = period.finished_on is None
        return guarded_change(
            self,
            request,
            participant=participant,
            form=InductionPeriodForm(request.POST or None, initial=initial),
            title=(
                f"Record the outcome of {participant.full_name}'s induction"
                if is_open
                else f"Correct {participant.full_name}'s induction period"
            ),
            current=[("Induction period", induction_summary(period))],
            effect=(
                "Providers see the end date of the latest induction period with an outcome as the ECT's "
                "induction_end_date. An outcome needs an end date on or before today. Their eligibility for "
                "funding does not change."
            ),
            form_heading="Finish the induction period" if is_open else "Correct the induction period",
            submit="Save the induction period",
            action="finish_induction_period" if is_open else "correct_induction_period",
            run=lambda now, **answers: induction.correct_induction_period(induction_period=period, now=now, **answers),
            done="The induction period was saved.",
        )
