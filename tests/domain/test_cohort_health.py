"""The dashboard's rules: readiness bands, gaps against coverage, and reasons for risk in words."""

from datetime import UTC, datetime, timedelta

from pmcohort.domain.cohort_health import (
    DEBRIEF_DUE,
    MILESTONE_DONE,
    MILESTONE_OPEN,
    TURNAROUND,
    WAITING,
    MemberFacts,
    ProgramRow,
    coverage_headline,
    gaps_against_coverage,
    people_at_risk,
    program_figures,
    readiness_distribution,
    risk_reasons,
)
from pmcohort.domain.reliability import ANSWER, LATE_CANCELLATION, LOW_RELIABILITY, NO_SHOW

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
SKILLS_OK = dict.fromkeys(("discovery", "prioritization", "influence", "writing", "interviewing"), 80)


def engineer(user_id, **facts):
    return MemberFacts(user_id, facts.pop("name", f"Engineer {user_id}"), "engineer", **facts)


def mentor(user_id, **facts):
    return MemberFacts(user_id, facts.pop("name", f"Mentor {user_id}"), "mentor", **facts)


def test_readiness_bands_compare_now_with_enrollment():
    bands = readiness_distribution(
        [
            engineer(1, readiness_at_enrollment=20, readiness_now=55),
            engineer(2, readiness_at_enrollment=40, readiness_now=80),
            engineer(3),  # not assessed: in no band
            mentor(4),
        ]
    )
    assert [(band.label, band.at_enrollment, band.now) for band in bands] == [
        ("0–24", 1, 0),
        ("25–49", 1, 0),
        ("50–74", 0, 1),
        ("75–100", 0, 1),
    ]


def test_the_headline_names_the_need_and_how_few_mentors_cover_it():
    members = [engineer(i, skill_scores=SKILLS_OK | {"influence": 30}) for i in range(1, 9)]
    members += [mentor(20, strengths={"influence": 5}), mentor(21, strengths={"influence": 4}), mentor(22)]
    members += [mentor(23 + i, strengths={"discovery": 5}) for i in range(3)]
    coverage = {row.skill: row for row in gaps_against_coverage(members)}
    assert (coverage["influence"].engineers_with_gap, coverage["influence"].strong_mentors) == (8, 2)
    assert coverage["discovery"].engineers_with_gap == 0
    assert coverage_headline(list(coverage.values())) == (
        "The cohort needs influence without authority: 8 of 8 assessed engineers have a gap there; "
        "only 2 mentors are strong there."
    )


def test_no_gaps_no_headline():
    assert coverage_headline(gaps_against_coverage([engineer(1, skill_scores=SKILLS_OK)])) is None


def test_reasons_for_risk_are_words_a_lead_can_act_on():
    people = people_at_risk(
        [
            engineer(1, name="Nora", has_mentor=False),
            engineer(2, name="Quiet", has_mentor=True, last_session_at=NOW - timedelta(days=25)),
            engineer(3, name="Fresh", has_mentor=True, last_session_at=NOW - timedelta(days=3)),
            engineer(
                4,
                name="Waiting",
                has_proposal=True,
                proposal_waiting_since=NOW - timedelta(days=5),
            ),
            engineer(5, name="Never", has_mentor=True, enrolled_at=NOW - timedelta(days=30)),
            mentor(6, name="Slow", unanswered_proposals=2),
            mentor(7, name="Fine"),
        ],
        NOW,
    )
    reasons = {person.name: person.reasons for person in people}
    assert reasons == {
        "Nora": ["No mentor"],
        "Quiet": ["No session in 25 days"],
        "Waiting": ["A proposed mentor unanswered for 5 days"],
        "Never": ["No session since enrolling 30 days ago"],
        "Slow": ["2 proposals unanswered for over 3 days"],
    }


def test_the_suggested_nudge_names_the_person_the_cohort_and_the_reasons():
    [person] = people_at_risk([engineer(1, name="Nora Diaz")], NOW)
    text = person.suggested_nudge("Spring")
    assert text.startswith("Hi Nora,") and "check-in from Spring: no mentor." in text


def test_program_figures_add_up_reviews_debriefs_and_milestones_and_say_who_is_behind():
    start = (NOW - timedelta(weeks=6)).date()  # week 5 ended a week ago; week 12 is ahead
    rows = [
        ProgramRow(MILESTONE_DONE, 1, week=2, start=start),
        ProgramRow(MILESTONE_OPEN, 1, week=5, start=start),  # overdue
        ProgramRow(MILESTONE_OPEN, 2, week=5, start=start),  # overdue
        ProgramRow(MILESTONE_OPEN, 2, week=20, start=start),  # to do, months 3-6
        ProgramRow(TURNAROUND, 1, seconds=3600 * 10),
        ProgramRow(TURNAROUND, 2, seconds=3600 * 30),
        ProgramRow(TURNAROUND, 2, seconds=3600 * 100),
        ProgramRow(WAITING, 7, at=NOW - timedelta(hours=5)),
        ProgramRow(WAITING, 7, at=NOW - timedelta(days=6)),  # past due: the mentor is behind
        ProgramRow(WAITING, None, at=NOW - timedelta(days=9)),  # in a shared queue: nobody's yet
        ProgramRow(DEBRIEF_DUE, 7, at=NOW - timedelta(days=2)),
        ProgramRow(DEBRIEF_DUE, 7, at=NOW - timedelta(days=10)),
    ]
    figures, behind = program_figures(rows, NOW)
    assert (figures.reviews_decided, figures.median_turnaround_hours, figures.worst_turnaround_hours) == (3, 30, 100)
    assert [count for _, count in figures.waiting_by_age] == [1, 0, 2]
    assert (figures.debriefs_unpublished, figures.debriefs_overdue) == (2, 1)
    assert [(p.done, p.to_do, p.overdue) for p in figures.phases] == [(1, 0, 2), (0, 1, 0), (0, 0, 0)]
    assert figures.engineers_with_plans == 2
    assert behind.milestones == {1: 1, 2: 1} and behind.reviews == {7: 1}
    late = MemberFacts(1, "Ada Lovelace", "engineer", has_mentor=True, last_session_at=NOW, overdue_milestones=2)
    assert risk_reasons(late, NOW) == ["2 plan milestones overdue"]
    slow = MemberFacts(7, "Grace Hopper", "mentor", overdue_reviews=1)
    assert risk_reasons(slow, NOW) == ["1 review waiting for over 5 days"]


def test_a_mentor_whose_record_costs_more_than_the_low_reliability_line_is_at_risk_with_the_record_in_words():
    rows = [
        *(ProgramRow(NO_SHOW, 8, at=NOW - timedelta(days=days)) for days in (3, 10, 20)),
        ProgramRow(ANSWER, 8, at=NOW - timedelta(days=1), asked_at=NOW - timedelta(days=2)),
        ProgramRow(LATE_CANCELLATION, 9, at=NOW - timedelta(days=5)),  # one slip: a bad week, not a pattern
        ProgramRow(NO_SHOW, 10, at=NOW - timedelta(days=95)),  # out of the window
    ]
    _, behind = program_figures(rows, NOW)
    assert behind.reliability[8].factor < LOW_RELIABILITY <= behind.reliability[9].factor
    assert behind.reliability[10].factor == 1.0
    people = people_at_risk([mentor(user_id, reliability=behind.reliability[user_id]) for user_id in (8, 9, 10)], NOW)
    assert [(person.user_id, person.reasons) for person in people] == [
        (8, [f"Low reliability ({round(behind.reliability[8].factor * 100)}/100): 3 no-shows in the last 90 days"])
    ]
    nudge = people[0].suggested_nudge("Spring")
    assert "check-in from Spring: low reliability (" in nudge and "3 no-shows in the last 90 days." in nudge
