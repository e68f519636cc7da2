"""F10, F12 and F13 as pure functions of dates: no database rows, `today` passed in."""

import datetime as dt

import pytest

from participants.status import eligible_for_funding, participant_status, training_status

UTC = dt.UTC
TODAY = dt.date(2026, 1, 15)
YESTERDAY = TODAY - dt.timedelta(days=1)
TOMORROW = TODAY + dt.timedelta(days=1)
STARTED = dt.date(2025, 9, 1)
EARLIER = dt.datetime(2025, 11, 1, 9, 0, tzinfo=UTC)
LATER = dt.datetime(2025, 12, 1, 9, 0, tzinfo=UTC)


# --- F10 training_status ------------------------------------------------------------------------


def test_F10_neither_deferred_nor_withdrawn_is_active():
    assert training_status(deferred_at=None, withdrawn_at=None) == "active"


def test_F10_withdrawn_only_is_withdrawn():
    assert training_status(deferred_at=None, withdrawn_at=EARLIER) == "withdrawn"


def test_F10_deferred_only_is_deferred():
    assert training_status(deferred_at=EARLIER, withdrawn_at=None) == "deferred"


def test_F10_deferred_after_withdrawal_is_deferred():
    assert training_status(deferred_at=LATER, withdrawn_at=EARLIER) == "deferred"


def test_F10_withdrawn_after_deferral_is_withdrawn():
    assert training_status(deferred_at=EARLIER, withdrawn_at=LATER) == "withdrawn"


def test_F10_withdrawn_wins_an_exact_tie():
    assert training_status(deferred_at=EARLIER, withdrawn_at=EARLIER) == "withdrawn"


def test_F10_later_wins_even_by_one_second():
    assert training_status(deferred_at=EARLIER + dt.timedelta(seconds=1), withdrawn_at=EARLIER) == "deferred"


# --- F12 participant_status ---------------------------------------------------------------------


def status(
    *,
    participant_type="ect",
    started_on=STARTED,
    finished_on=None,
    deferred_at=None,
    withdrawn_at=None,
    induction_end_date=None,
    mentor_funding_end_date=None,
    today=TODAY,
):
    return participant_status(
        participant_type=participant_type,
        started_on=started_on,
        finished_on=finished_on,
        deferred_at=deferred_at,
        withdrawn_at=withdrawn_at,
        induction_end_date=induction_end_date,
        mentor_funding_end_date=mentor_funding_end_date,
        today=today,
    )


@pytest.mark.parametrize("stopped", ["withdrawn_at", "deferred_at"])
def test_F12_rule1_withdrawn_or_deferred_with_past_end_is_left(stopped):
    assert status(**{stopped: EARLIER}, finished_on=YESTERDAY) == "left"


@pytest.mark.parametrize("stopped", ["withdrawn_at", "deferred_at"])
def test_F12_rule1_withdrawn_or_deferred_ending_today_is_left(stopped):
    assert status(**{stopped: EARLIER}, finished_on=TODAY) == "left"


@pytest.mark.parametrize("stopped", ["withdrawn_at", "deferred_at"])
def test_F12_rule1_withdrawn_or_deferred_ending_in_future_is_leaving(stopped):
    assert status(**{stopped: EARLIER}, finished_on=TOMORROW) == "leaving"


@pytest.mark.parametrize("stopped", ["withdrawn_at", "deferred_at"])
def test_F12_rule1_withdrawn_or_deferred_without_end_is_left(stopped):
    assert status(**{stopped: EARLIER}) == "left"


def test_F12_rule1_precedes_rule2_completed_induction_but_withdrawn_is_left():
    assert status(withdrawn_at=EARLIER, finished_on=YESTERDAY, induction_end_date=dt.date(2025, 12, 1)) == "left"


def test_F12_rule1_precedes_rule2_mentor_with_funding_end_but_deferred_is_left():
    assert (
        status(participant_type="mentor", deferred_at=EARLIER, mentor_funding_end_date=dt.date(2025, 10, 1)) == "left"
    )


def test_F12_rule1_precedes_rule4_withdrawn_before_a_future_start_is_left():
    assert status(started_on=TOMORROW, withdrawn_at=EARLIER) == "left"


def test_F12_rule2_completed_ect_is_active_after_training_ended():
    assert status(finished_on=dt.date(2025, 12, 31), induction_end_date=dt.date(2025, 12, 31)) == "active"


def test_F12_rule2_completed_ect_with_unfinished_training_is_active():
    assert status(induction_end_date=dt.date(2025, 12, 1)) == "active"


def test_F12_rule2_precedes_rule4_completed_ect_with_future_start_is_active():
    assert status(started_on=TOMORROW, induction_end_date=dt.date(2025, 12, 1)) == "active"


def test_F12_rule2_does_not_apply_when_induction_ended_after_the_training():
    # Completion after the training ended is not this training's completion: rule 3 decides.
    assert status(finished_on=dt.date(2025, 12, 31), induction_end_date=dt.date(2026, 1, 1)) == "left"


def test_F12_rule2_mentor_with_funding_end_is_active_after_training_ended():
    assert (
        status(
            participant_type="mentor", finished_on=dt.date(2025, 12, 31), mentor_funding_end_date=dt.date(2025, 11, 1)
        )
        == "active"
    )


def test_F12_rule2_mentor_with_funding_end_after_training_ended_is_left():
    assert (
        status(
            participant_type="mentor", finished_on=dt.date(2025, 12, 31), mentor_funding_end_date=dt.date(2026, 1, 1)
        )
        == "left"
    )


def test_F12_rule2_an_ect_ignores_mentor_funding_end_date():
    assert status(finished_on=YESTERDAY, mentor_funding_end_date=dt.date(2025, 10, 1)) == "left"


def test_F12_rule2_a_mentor_ignores_induction_end_date():
    assert status(participant_type="mentor", finished_on=YESTERDAY, induction_end_date=dt.date(2025, 10, 1)) == "left"


def test_F12_rule3_finished_in_the_past_is_left():
    assert status(finished_on=YESTERDAY) == "left"


def test_O1_rule3_the_leaving_date_itself_is_still_leaving():
    assert status(finished_on=TODAY) == "leaving"


def test_F12_rule1_deferred_or_withdrawn_today_is_left():
    assert status(finished_on=TODAY, deferred_at=dt.datetime(2026, 1, 15, 9, 0, tzinfo=dt.UTC)) == "left"


def test_F12_rule3_finishing_in_the_future_is_leaving():
    assert status(finished_on=TOMORROW) == "leaving"


def test_F12_rule3_future_start_with_end_date_is_leaving():
    assert status(started_on=TOMORROW, finished_on=dt.date(2026, 7, 31)) == "leaving"


def test_F12_rule4_future_start_is_joining():
    assert status(started_on=TOMORROW) == "joining"


def test_F12_rule5_started_today_is_active():
    assert status(started_on=TODAY) == "active"


def test_F12_rule5_started_earlier_and_unfinished_is_active():
    assert status() == "active"


def test_F12_status_changes_with_the_calendar():
    # The same training on different days: the O1 nightly job records these transitions.
    training = {"started_on": dt.date(2026, 2, 1), "finished_on": None}
    assert status(**training, today=dt.date(2026, 1, 31)) == "joining"
    assert status(**training, today=dt.date(2026, 2, 1)) == "active"
    ending = {"finished_on": dt.date(2026, 3, 31)}
    assert status(**ending, today=dt.date(2026, 3, 31)) == "leaving"
    assert status(**ending, today=dt.date(2026, 4, 1)) == "left"


# --- F13 eligible_for_funding -------------------------------------------------------------------

E = dt.date(2025, 9, 1)


def test_F13_eligible_without_ineligibility_is_true():
    assert eligible_for_funding(eligible_on=E, ineligible_on=None) is True


def test_F13_ineligible_without_eligibility_is_false():
    assert eligible_for_funding(eligible_on=None, ineligible_on=E) is False


def test_F13_neither_is_null():
    assert eligible_for_funding(eligible_on=None, ineligible_on=None) is None


def test_F13_eligible_before_ineligible_is_true():
    assert eligible_for_funding(eligible_on=E, ineligible_on=E + dt.timedelta(days=1)) is True


def test_F13_eligible_on_the_same_day_as_ineligible_is_true():
    assert eligible_for_funding(eligible_on=E, ineligible_on=E) is True


def test_F13_ineligible_before_eligible_is_false():
    assert eligible_for_funding(eligible_on=E, ineligible_on=E - dt.timedelta(days=1)) is False
