"""Plan generation for each path, the checks on what people type, and the timeline's layout."""

from datetime import date, timedelta

import pytest

from pmcohort.domain import plan_timeline, plans
from pmcohort.domain.limits import GAP_THRESHOLD
from pmcohort.domain.plans import EvidenceKind, MilestoneState, PhaseKey
from pmcohort.domain.vocabulary import PATHS, SKILLS

START = date(2027, 1, 4)
# Interviewing is the largest gap, then prioritization; discovery is no gap at all.
SCORES = {"discovery": 85, "prioritization": 40, "influence": 60, "writing": 75, "interviewing": 25}


def generated(path: str, scores=SCORES, seasons=()):
    return plans.generate(plans.path_plans()[path], START, scores, seasons)


@pytest.mark.parametrize("path", PATHS)
def test_every_path_gets_a_plan_across_the_guides_phases(path):
    milestones = generated(path)
    assert {m.phase.key for m in milestones} == {PhaseKey.CLOSE_GAPS, PhaseKey.MAKE_THE_MOVE, PhaseKey.LAND_THE_ROLE}
    assert all(1 <= m.due_week <= plans.PLAN_WEEKS for m in milestones)
    assert [m.due_week for m in milestones] == sorted(m.due_week for m in milestones)
    assert all(m.done_when for m in milestones)
    for m in milestones:  # each due inside its template's phase
        template = next(t for t in plans.path_plans()[path].milestones if t.key == m.key)
        assert m.phase.key == template.phase


@pytest.mark.parametrize("path", PATHS)
def test_months_one_to_three_start_with_the_largest_gap(path):
    phase_one = [m for m in generated(path) if m.phase.key == PhaseKey.CLOSE_GAPS and m.skill]
    ranks = [plans.skill_order(path, SCORES).index(m.skill) for m in phase_one]
    assert ranks == sorted(ranks)
    assert phase_one[0].skill == "interviewing" and phase_one[0].closes_a_gap
    # Discovery scores above the gap line: its milestones stay, after every gap's, and are not marked as gaps.
    discovery = [m for m in phase_one if m.skill == "discovery"]
    assert discovery and not any(m.closes_a_gap for m in discovery)
    assert phase_one[-1].skill == "discovery"


def test_other_gaps_give_another_order():
    scores = dict.fromkeys(SKILLS, 90) | {"discovery": 20}
    first = [m for m in generated("external_hire", scores) if m.phase.key == PhaseKey.CLOSE_GAPS][0]
    assert first.key == "customer_interviews" and first.closes_a_gap


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("internal_transfer", ("influence", "discovery", "prioritization", "writing", "interviewing")),
        ("apm_program", ("interviewing", "discovery", "prioritization", "writing", "influence")),
    ],
)
def test_without_an_assessment_the_paths_priorities_decide(path, expected):
    assert plans.skill_order(path, None) == expected
    assert generated(path, None)[0].skill == expected[0]


def test_equal_gaps_are_broken_by_what_matters_on_the_path():
    tied = dict.fromkeys(SKILLS, 30)
    assert plans.skill_order("internal_transfer", tied)[0] == "influence"
    assert plans.skill_order("apm_program", tied)[0] == "interviewing"


def test_each_path_asks_for_what_the_guide_says_it_needs():
    keys = {path: {m.key for m in generated(path)} for path in PATHS}
    assert {"find_pm_manager", "transfer_ask", "shadow_pm"} <= keys["internal_transfer"]
    assert {"apm_calendar", "mock_product_sense", "mock_estimation", "mock_behavioral"} <= keys["apm_program"]
    assert {"target_list", "portfolio", "first_applications"} <= keys["external_hire"]
    shadow = next(m for m in generated("internal_transfer") if m.key == "shadow_pm")
    assert shadow.evidence == plans.Evidence(EvidenceKind.SESSION_HELD, "shadowing", 4)


def test_apm_seasons_become_application_milestones_due_the_week_before_they_close():
    seasons = [
        plans.Season("Example APM 2027", date(2027, 2, 1), date(2027, 5, 10)),
        plans.Season("Closed already", date(2026, 9, 1), date(2026, 10, 1)),
        plans.Season("Next year", date(2028, 1, 1), date(2028, 3, 1)),
    ]
    applications = [m for m in generated("apm_program", seasons=seasons) if m.key == "apm_season"]
    assert [m.title for m in applications] == ["Apply to Example APM 2027"]
    assert plans.week_ends(START, applications[0].due_week) <= date(2027, 5, 10) - timedelta(days=1)
    assert "10 May 2027" in applications[0].done_when
    assert not [m for m in generated("apm_program") if m.key == "apm_season"]  # no seasons entered: none made up


def test_only_the_apm_path_repeats_a_milestone_per_season():
    seasons = [plans.Season("Example APM", date(2027, 2, 1), date(2027, 5, 10))]
    for path in ("internal_transfer", "external_hire"):
        assert generated(path, seasons=seasons) == generated(path)


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (date(2027, 1, 4) + timedelta(days=366), "within a year"),
        (date(2027, 1, 4) - timedelta(days=366), "at most 12 months ago"),
    ],
)
def test_start_dates_too_far_either_way_are_refused(start, message):
    assert message in plans.start_date_problem(start, date(2027, 1, 4))


@pytest.mark.parametrize("days", [0, 365, -365, -30])
def test_start_dates_inside_the_window_are_fine(days):
    assert plans.start_date_problem(date(2027, 1, 4) + timedelta(days=days), date(2027, 1, 4)) is None


@pytest.mark.parametrize(
    ("due", "ok"),
    [
        (START, True),
        (START - timedelta(days=1), False),
        (plans.week_ends(START, plans.PLAN_WEEKS), True),
        (plans.week_ends(START, plans.PLAN_WEEKS) + timedelta(days=1), False),
    ],
)
def test_a_milestone_must_be_due_inside_the_plan(due, ok):
    assert (plans.due_week_problem(START, due) is None) == ok


def test_weeks_and_dates_round_trip():
    for week in (1, 13, 52):
        assert plans.week_of(START, plans.week_ends(START, week)) == week
    assert plans.week_of(START, START) == 1


@pytest.mark.parametrize(
    ("accepts", "kind", "detail", "expected"),
    [
        (plans.Evidence(EvidenceKind.SESSION_HELD, "interview"), "session_held", "interview/estimation", True),
        (
            plans.Evidence(EvidenceKind.SESSION_HELD, "interview/behavioral"),
            "session_held",
            "interview/estimation",
            False,
        ),
        (plans.Evidence(EvidenceKind.SESSION_HELD, "shadowing"), "session_held", "one_on_one", False),
        (
            plans.Evidence(EvidenceKind.DOCUMENT_APPROVED, "problem_statement"),
            "document_approved",
            "problem_statement",
            True,
        ),
        (plans.Evidence(EvidenceKind.ASSESSMENT_RETAKEN), "assessment_retaken", None, True),
        (plans.Evidence(EvidenceKind.ASSESSMENT_RETAKEN), "session_held", "shadowing", False),
    ],
)
def test_evidence_counts_only_where_it_fits(accepts, kind, detail, expected):
    assert accepts.accepts(kind, detail) is expected


def test_a_milestone_is_overdue_only_after_its_week_ends():
    due = plans.week_ends(START, 3)
    assert plans.state_of(START, 3, False, due) == MilestoneState.UPCOMING
    assert plans.state_of(START, 3, False, due + timedelta(days=1)) == MilestoneState.OVERDUE
    assert plans.state_of(START, 3, True, due + timedelta(days=30)) == MilestoneState.DONE


def test_depth_statements_name_the_years_and_the_domain():
    sentences = plans.depth_statements(6, "fintech")
    assert sentences[0].startswith("6 years of engineering") and "fewer engineering misalignments" in sentences[0]
    assert any("fintech" in sentence for sentence in sentences)


# --- the timeline


def chart(milestones, today=START + timedelta(days=40), start=START):
    return plan_timeline.layout(start, today, milestones, {phase.key: phase.label for phase in plans.PHASES})


def chart_of(path: str, today=START + timedelta(days=40)):
    return chart(
        [
            plan_timeline.ChartMilestone(m.title, m.due_week, plans.state_of(START, m.due_week, False, today))
            for m in generated(path)
        ],
        today,
    )


@pytest.mark.parametrize("path", PATHS)
def test_timeline_labels_never_overlap_and_stay_inside_the_frame(path):
    timeline = chart_of(path)
    baselines = [label.y for label in timeline.labels]
    assert all(b - a >= plan_timeline.LINE_HEIGHT for a, b in zip(baselines, baselines[1:], strict=False))
    for label in timeline.labels:
        assert plan_timeline.LABEL_X + len(label.text) * plan_timeline.CHAR_WIDTH <= timeline.width
        assert label.y <= timeline.height
    assert timeline.height >= timeline.axis_bottom


def test_timeline_marks_sit_at_their_due_week_and_labels_never_above_them():
    timeline = chart_of("internal_transfer")
    marks = [label for label in timeline.labels if not label.heading]
    for label, milestone in zip(marks, generated("internal_transfer"), strict=True):
        assert label.mark_y == pytest.approx(plan_timeline.y_of_day(milestone.due_week * 7 - 3.5))
        assert label.y >= label.mark_y
    headings = [label.text for label in timeline.labels if label.heading]
    assert headings == [phase.label for phase in plans.PHASES]


def test_timeline_phases_are_bands_in_order_and_year_two_comes_after_the_plan():
    timeline = chart_of("apm_program")
    assert [band.phase for band in timeline.bands] == [phase.key for phase in plans.PHASES]
    for before, after in zip(timeline.bands, timeline.bands[1:], strict=False):
        assert before.y + before.height == pytest.approx(after.y)
    assert timeline.bands[-1].y == pytest.approx(timeline.axis_end)


def test_timeline_shows_today_and_keeps_month_labels_clear_of_it():
    timeline = chart_of("external_hire", today=START + timedelta(days=28))
    assert timeline.today_y == pytest.approx(plan_timeline.y_of_day(28))
    assert all(abs(tick.y - timeline.today_y) >= plan_timeline.TODAY_CLEARANCE for tick in timeline.ticks)
    assert chart_of("external_hire", today=START - timedelta(days=1)).today_y is None
    assert chart_of("external_hire", today=START + timedelta(days=400)).today_y is None


def test_timeline_month_ticks_name_the_year_on_the_first_and_on_january():
    timeline = chart([], today=date(2026, 11, 1), start=date(2026, 11, 15))
    texts = [tick.text for tick in timeline.ticks]
    assert texts[0] == "Dec ’26" and "Jan ’27" in texts and texts[2] == "Feb"
    assert len(texts) == 12


def test_timeline_states_and_summary():
    today = START + timedelta(days=40)
    timeline = chart(
        [
            plan_timeline.ChartMilestone("Done one", 1, MilestoneState.DONE),
            plan_timeline.ChartMilestone("Late one", 2, MilestoneState.OVERDUE),
            plan_timeline.ChartMilestone("Next one", 20, MilestoneState.UPCOMING),
        ],
        today,
    )
    late = next(label for label in timeline.labels if label.text == "Late one")
    assert late.diamond and late.state == MilestoneState.OVERDUE
    assert timeline.summary == "1 done, 1 overdue, 1 to do"


def test_long_titles_are_cut_at_a_word():
    short = plan_timeline.shorten("Run 5 customer interviews and write an insight synthesis")
    assert short.endswith("…") and len(short) <= plan_timeline.MAX_LABEL_CHARS
    assert "Run 5 customer interviews and write an insight synthesis".startswith(short[:-1])
    assert plan_timeline.shorten("Short") == "Short"


def test_the_gap_threshold_is_what_marks_a_gap():
    assert plans.gaps_of({"discovery": GAP_THRESHOLD - 1, "writing": GAP_THRESHOLD}) == {"discovery"}
