"""Named bounds and bands: the edges belong where the words say."""

import pytest

from pmcohort.domain.limits import COHORT_WEEKS, MENTOR_CAPACITY, READINESS_BANDS, readiness_summary


@pytest.mark.parametrize(("score", "band"), [(100, 0), (75, 0), (74, 1), (50, 1), (49, 2), (0, 2)])
def test_each_readiness_score_reads_its_band(score, band):
    assert readiness_summary(score) == READINESS_BANDS[band][1]


def test_bounds_are_inclusive_and_give_their_check_constraint():
    assert 0 in MENTOR_CAPACITY and 10 in MENTOR_CAPACITY and 11 not in MENTOR_CAPACITY and -1 not in MENTOR_CAPACITY
    assert list(COHORT_WEEKS.values) == list(range(1, 53))
    assert MENTOR_CAPACITY.sql("capacity") == "capacity BETWEEN 0 AND 10"
