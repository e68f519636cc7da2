"""The one home of period questions (config.periods): the filters answer exactly as the Python does."""

import datetime as dt

import pytest

from config.periods import Period
from participants.models import InductionPeriod
from tests import factories

D = dt.date
DAY = D(2026, 1, 15)

# (start, end, covers DAY, current or to come on DAY)
CASES = [
    (D(2025, 9, 1), None, True, True),
    (D(2025, 9, 1), DAY, True, True),
    (D(2025, 9, 1), D(2026, 1, 14), False, False),
    (DAY, DAY, True, True),
    (D(2026, 1, 16), None, False, True),
    (D(2026, 1, 16), D(2026, 2, 1), False, True),
]


@pytest.mark.parametrize(("start", "end", "covers", "not_over"), CASES)
def test_a_period_covers_a_day_from_its_start_to_its_inclusive_end(start, end, covers, not_over):
    assert Period(start, end).contains(DAY) is covers
    assert Period(start, end).not_ended_before(DAY) is not_over


def test_the_filters_select_the_periods_the_python_answers_yes_for():
    # One participant per case: a participant's induction periods may not overlap.
    periods = {
        InductionPeriod.objects.create(
            participant=factories.ParticipantFactory(), started_on=start, finished_on=end
        ).pk: (covers, not_over)
        for start, end, covers, not_over in CASES
    }
    rows = InductionPeriod.objects.filter(pk__in=periods)
    assert set(rows.filter(InductionPeriod.q_contains(DAY)).values_list("pk", flat=True)) == {
        pk for pk, (covers, _) in periods.items() if covers
    }
    assert set(rows.filter(InductionPeriod.q_not_ended_before(DAY)).values_list("pk", flat=True)) == {
        pk for pk, (_, not_over) in periods.items() if not_over
    }
    assert all(row.contains(DAY) is periods[row.pk][0] for row in rows)
