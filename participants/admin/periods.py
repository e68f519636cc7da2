"""School, training, mentorship and induction periods, each on its own list with the participant's ids to search."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path

from config.admin import IdentifierSearchMixin, SupportModelAdmin, require
from participants import status
from participants.admin.guarded import found, guarded_change, page_link
from participants.admin.search import PARTICIPANT_SEARCH, PARTICIPANT_UUIDS
from participants.admin.support import InductionPeriodForm, induction_summary
from participants.models import InductionPeriod, Mentorship, SchoolPeriod, TrainingPeriod
from training.support import induction


class TrainingPeriodInline(admin.TabularInline):
    model = TrainingPeriod
    fields = (
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
    raw_id_fields = ("partnership",)
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("lead_provider", "partnership", "schedule")


class MentorshipInline(admin.TabularInline):
    """The mentors of this ECT school period."""

    model = Mentorship
    fk_name = "ect_school_period"
    fields = ("mentor_school_period", "started_on", "finished_on")
    raw_id_fields = ("mentor_school_period",)
    extra = 0
    verbose_name = "mentor"
    verbose_name_plural = "mentors (when this is an ECT's period)"


class MenteeInline(admin.TabularInline):
    """The ECTs mentored during this mentor school period."""

    model = Mentorship
    fk_name = "mentor_school_period"
    fields = ("ect_school_period", "started_on", "finished_on")
    raw_id_fields = ("ect_school_period",)
    extra = 0
    verbose_name = "mentee"
    verbose_name_plural = "mentees (when this is a mentor's period)"


@admin.register(SchoolPeriod)
class SchoolPeriodAdmin(IdentifierSearchMixin, SupportModelAdmin):
    list_display = ("participant", "participant_type", "school", "started_on", "finished_on", "email")
    list_select_related = ("participant", "school")
    list_filter = ("participant_type",)
    search_fields = (*PARTICIPANT_SEARCH, "^school__urn", "email")
    uuid_search_fields = PARTICIPANT_UUIDS
    raw_id_fields = ("participant", "school")
    readonly_fields = ("created_at",)
    inlines = (TrainingPeriodInline, MentorshipInline, MenteeInline)


@admin.register(TrainingPeriod)
class TrainingPeriodAdmin(IdentifierSearchMixin, SupportModelAdmin):
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
    raw_id_fields = ("school_period", "partnership")
    readonly_fields = ("created_at",)

    @admin.display(ordering="school_period__participant__full_name")
    def participant(self, obj):
        return obj.school_period.participant

    @admin.display(description="type", ordering="school_period__participant_type")
    def participant_type(self, obj):
        return obj.school_period.get_participant_type_display()

    @admin.display(description="training status")
    def training_status(self, obj):
        return status.training_status(deferred_at=obj.deferred_at, withdrawn_at=obj.withdrawn_at)


@admin.register(Mentorship)
class MentorshipAdmin(IdentifierSearchMixin, SupportModelAdmin):
    list_display = ("ect", "mentor", "started_on", "finished_on")
    list_select_related = ("ect_school_period__participant", "mentor_school_period__participant")
    search_fields = ("ect_school_period__participant__full_name", "mentor_school_period__participant__full_name")
    uuid_search_fields = ("ect_school_period__participant__api_id", "mentor_school_period__participant__api_id")
    raw_id_fields = ("ect_school_period", "mentor_school_period")
    readonly_fields = ("created_at",)

    @admin.display(ordering="ect_school_period__participant__full_name", description="ECT")
    def ect(self, obj):
        return obj.ect_school_period.participant

    @admin.display(ordering="mentor_school_period__participant__full_name")
    def mentor(self, obj):
        return obj.mentor_school_period.participant


class GuardedLinks:
    """Read-only rows that link to their guarded change pages, for those who may use them.

    `guarded_links` lists (permission, method name) pairs; each method returns the row's link.
    """

    guarded_links: tuple[tuple[str, str], ...] = ()

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        allowed = [name for permission, name in self.guarded_links if request.user.has_perm(permission)]
        links = {name for _, name in self.guarded_links}
        return [*(f for f in fields if f not in links), *allowed]

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *(name for _, name in self.guarded_links))


class InductionLinks(GuardedLinks):
    guarded_links = (("participants.change_inductionperiod", "change_induction"),)

    @admin.display(description="change")
    def change_induction(self, obj):
        label = "Record the outcome" if obj.finished_on is None else "Correct"
        return page_link("participants_inductionperiod_correct", obj, label)


@admin.register(InductionPeriod)
class InductionPeriodAdmin(InductionLinks, IdentifierSearchMixin, SupportModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

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
