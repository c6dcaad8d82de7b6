"""The personal plan in the app: making one, evidence that ticks milestones, the mentor's changes,
the lead's overdue list, APM seasons, the evidence pack, and bad input at its field."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from pmcohort.assessment import services as assessments
from pmcohort.cohorts import board_reads
from pmcohort.cohorts.models import Cohort, CohortLead, CohortMember
from pmcohort.core.errors import NotFoundError, ServiceError
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain import plans
from pmcohort.domain import readiness as assessment
from pmcohort.mentoring import after_session
from pmcohort.notifications import outbox
from pmcohort.notifications.models import Notification, OutboxMessage
from pmcohort.ops.models import AuditEvent
from pmcohort.plans import services as plan_service
from pmcohort.plans.models import ApmSeason, MilestoneNote, Plan, PlanMilestone
from pmcohort.profiles.models import AssessmentAttempt, AssessmentDraft
from tests.conftest import sign_in
from tests.factories import as_past, book, person
from tests.integration.pages import field_errors
from tests.integration.test_assessment import weakest

TODAY = date.today()


def iso(day: date) -> str:
    return day.isoformat()


def with_gaps(engineer, **scores) -> AssessmentAttempt:
    attempt = assessments.attempt_from(engineer.id, {}, assessment.score({}))
    attempt.skill_scores = {"discovery": 80, "prioritization": 80, "influence": 80, "writing": 80, "interviewing": 80}
    attempt.skill_scores |= scores
    attempt.completed_at = utcnow() - timedelta(days=3)
    db.session.add(attempt)
    db.session.commit()
    return attempt


def milestone(plan: Plan, key: str) -> PlanMilestone:
    return next(m for m in plan.milestones if m.key == key)


def test_engineer_makes_a_plan_from_their_gaps(client, login, pair, form_post):
    engineer, _, _ = pair
    with_gaps(engineer, writing=20, influence=45)
    login(engineer)
    assert "Make your plan" in client.get("/dashboard").get_data(as_text=True)

    response = form_post("/plan", {"path": "internal_transfer", "start_date": iso(TODAY)})
    assert response.status_code == 303
    plan = plan_service.plan_of(engineer.id)
    assert (plan.path, plan.start_date, plan.skill_order[:2]) == ("internal_transfer", TODAY, ["writing", "influence"])
    first = plan.milestones[0]
    assert (first.key, first.skill, first.closes_a_gap) == ("product_strategy", "writing", True)
    page = client.get("/plan").get_data(as_text=True)
    assert 'class="chart timeline"' in page and "Write a product strategy document" in page
    assert "Evidence pack for the transfer ask" in page
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert dashboard.count('href="/plan#milestone-') == 3  # the next three milestones
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "plan.created"))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"path": "internal_transfer", "start_date": iso(TODAY + timedelta(days=400))}, "start_date", "within a year"),
        ({"path": "internal_transfer", "start_date": iso(TODAY - timedelta(days=400))}, "start_date", "12 months ago"),
        ({"path": "astronaut", "start_date": iso(TODAY)}, "path", "Choose one of the three paths"),
        ({"start_date": iso(TODAY)}, "path", "Choose one of the three paths"),
        ({"path": "apm_program", "start_date": "next tuesday"}, "start_date", "Enter a date like"),
    ],
)
def test_bad_plan_input_gets_a_message_at_its_field_and_saves_nothing(
    client, login, pair, form_post, data, field, message
):
    engineer, _, _ = pair
    login(engineer)
    response = form_post("/plan", data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in field_errors(page)[field]
    if data.get("start_date"):
        assert f'value="{data["start_date"]}"' in page  # what they typed is kept
    assert db.session.scalar(select(func.count()).select_from(Plan)) == 0


def test_a_second_plan_needs_the_replace_box(client, login, pair, form_post):
    engineer, _, _ = pair
    plan_service.create_plan(engineer.id, path="external_hire", start=TODAY)
    login(engineer)
    response = form_post("/plan", {"path": "apm_program", "start_date": iso(TODAY)})
    assert (
        response.status_code == 400
        and "Tick the box to replace it" in field_errors(response.get_data(as_text=True))["replace"]
    )
    assert form_post("/plan", {"path": "apm_program", "start_date": iso(TODAY), "replace": "y"}).status_code == 303
    assert plan_service.plan_of(engineer.id).path == "apm_program"
    assert db.session.scalar(select(func.count()).select_from(Plan)) == 1


def test_a_milestone_ticks_itself_when_its_session_is_held(client, login, pair, form_post):
    engineer, mentor, match = pair
    plan = plan_service.create_plan(engineer.id, path="internal_transfer", start=TODAY)
    mock = milestone(plan, "behavioral_mock")
    session = book(match, engineer, kind="interview", interview_kind="behavioral")
    as_past(session)
    login(mentor)
    response = form_post(
        f"/sessions/{session.id}/attendance", {f"attendance_{engineer.id}": "attended"}, f"/sessions/{session.id}"
    )
    assert response.status_code == 303

    db.session.expire_all()
    mock = db.session.get(PlanMilestone, mock.id)
    assert mock.done and mock.done_by is None and mock.evidence_refs == [f"session:{session.id}"]
    assert [note.action for note in mock.notes] == [plans.NoteAction.EVIDENCE]
    # A product-sense mock or a 1:1 does not count for it, nor for the shadowing milestone.
    assert not milestone(plan_service.plan_of(engineer.id), "shadow_pm").done


def test_a_no_show_ticks_nothing(pair):
    engineer, mentor, match = pair
    plan = plan_service.create_plan(engineer.id, path="internal_transfer", start=TODAY)
    session = book(match, engineer, kind="interview", interview_kind="behavioral")
    as_past(session)
    after_session.record_attendance(session.id, host_id=mentor.id, attendance={engineer.id: "no_show"})
    assert not milestone(plan, "behavioral_mock").done


def test_counted_evidence_ticks_on_the_last_one_and_never_counts_twice(pair):
    engineer, _, _ = pair
    plan = plan_service.create_plan(engineer.id, path="internal_transfer", start=TODAY)
    shadow = milestone(plan, "shadow_pm")
    for number in (1, 2, 2, 3):  # the same session reported twice counts once
        plan_service.record_evidence(engineer.id, "session_held", detail="shadowing", ref=f"session:{number}")
    assert len(shadow.evidence_refs) == 3 and not shadow.done
    ticked = plan_service.record_evidence(engineer.id, "session_held", detail="shadowing", ref="session:4")
    assert ticked == [shadow] and shadow.done


def test_sessions_held_since_the_start_count_when_the_plan_is_made(pair):
    engineer, mentor, match = pair
    session = book(match, engineer, kind="interview", interview_kind="behavioral")
    as_past(session)
    after_session.record_attendance(session.id, host_id=mentor.id, attendance={engineer.id: "attended"})
    plan = plan_service.create_plan(engineer.id, path="internal_transfer", start=TODAY - timedelta(days=7))
    assert milestone(plan, "behavioral_mock").done
    later = plan_service.create_plan(
        engineer.id, path="internal_transfer", start=TODAY + timedelta(days=1), replace=True
    )
    assert not milestone(later, "behavioral_mock").done


def test_retaking_the_assessment_ticks_the_retake_milestone(pair):
    engineer, _, _ = pair
    plan = plan_service.create_plan(engineer.id, path="external_hire", start=TODAY)
    db.session.add(AssessmentDraft(user_id=engineer.id, answers={q.key: weakest(q) for q in assessment.QUESTIONS}))
    db.session.commit()
    attempt = assessments.complete(engineer.id)
    retake = milestone(plan, "retake_assessment")
    assert retake.done and retake.evidence_refs == [f"attempt:{attempt.id}"]


def test_an_approved_document_ticks_its_milestone_through_the_one_entry_point(pair):
    engineer, _, _ = pair
    plan = plan_service.create_plan(engineer.id, path="apm_program", start=TODAY)
    ticked = plan_service.record_evidence(
        engineer.id, plans.EvidenceKind.DOCUMENT_APPROVED, detail="problem_statement", ref="document:7"
    )
    assert [m.key for m in ticked] == ["problem_statement"] and milestone(plan, "problem_statement").done
    assert plan_service.record_evidence(engineer.id + 999, "document_approved", detail="x", ref="document:8") == []


def test_mentor_moves_a_milestone_with_a_note(client, login, pair, form_post):
    engineer, mentor, match = pair
    plan = plan_service.create_plan(engineer.id, path="internal_transfer", start=TODAY)
    target = milestone(plan, "transfer_ask")
    login(mentor)
    assert f'href="/plan/{engineer.id}"' in client.get(f"/matches/{match.id}").get_data(as_text=True)
    page = client.get(f"/plan/{engineer.id}").get_data(as_text=True)
    assert "Move “Make the transfer ask" in page and "Tick “" not in page  # the mentor moves; only the engineer ticks

    new_due = plans.week_ends(TODAY, 22)
    response = form_post(
        f"/plan/milestones/{target.id}/move",
        {
            f"move{target.id}-due": iso(new_due),
            f"move{target.id}-note": "The PM manager is back from leave in week 22.",
        },
        f"/plan/{engineer.id}",
    )
    assert response.status_code == 303
    db.session.refresh(target)
    old_week = next(note.from_week for note in target.notes)
    assert target.due_week == 22
    note = db.session.scalar(select(MilestoneNote).where(MilestoneNote.milestone_id == target.id))
    assert (note.action, note.author_id, note.from_week, note.to_week) == ("moved", mentor.id, old_week, 22)
    assert "back from leave" in client.get(f"/plan/{engineer.id}").get_data(as_text=True)
    told = db.session.scalar(select(OutboxMessage).where(OutboxMessage.topic == "plan.changed"))
    outbox.deliver(told.id)
    inbox = db.session.scalar(select(Notification).where(Notification.user_id == engineer.id))
    assert inbox.title == f"{mentor.name} moved “{target.title}” in your plan"


@pytest.mark.parametrize(
    ("due", "note", "field", "message"),
    [
        (lambda: TODAY - timedelta(days=1), "Earlier", "due", "Pick a date inside the plan"),
        (lambda: TODAY + timedelta(days=400), "Later", "due", "Pick a date inside the plan"),
        (lambda: plans.week_ends(TODAY, 30), "", "note", "Say in a sentence why"),
    ],
)
def test_moving_outside_the_plan_or_without_a_note_is_refused_at_the_field(
    client, login, pair, form_post, due, note, field, message
):
    engineer, mentor, _ = pair
    plan = plan_service.create_plan(engineer.id, path="internal_transfer", start=TODAY)
    target = milestone(plan, "transfer_ask")
    week = target.due_week
    login(mentor)
    response = form_post(
        f"/plan/milestones/{target.id}/move",
        {f"move{target.id}-due": iso(due()), f"move{target.id}-note": note},
        f"/plan/{engineer.id}",
    )
    assert response.status_code == 400
    assert message in field_errors(response.get_data(as_text=True))[f"move{target.id}-{field}"]
    db.session.refresh(target)
    assert target.due_week == week and not target.notes


def test_mentor_adds_a_milestone_and_a_due_date_outside_the_plan_is_refused(client, login, pair, form_post):
    engineer, mentor, _ = pair
    plan_service.create_plan(engineer.id, path="external_hire", start=TODAY)
    login(mentor)
    fields = {"title": "Coffee with a fintech PM", "done_when": "Held, notes shared", "note": "A warm intro I can make"}
    refused = form_post(f"/plan/{engineer.id}/milestones", fields | {"due": iso(TODAY + timedelta(days=380))})
    assert refused.status_code == 400
    assert "Pick a date inside the plan" in field_errors(refused.get_data(as_text=True))["due"]
    assert "Coffee with a fintech PM" in refused.get_data(as_text=True)  # typed text kept
    added = form_post(f"/plan/{engineer.id}/milestones", fields | {"due": iso(TODAY + timedelta(days=20))})
    assert added.status_code == 303
    new = db.session.scalar(select(PlanMilestone).where(PlanMilestone.title == "Coffee with a fintech PM"))
    assert (new.added_by, new.due_week, new.notes[0].text) == (mentor.id, 3, "A warm intro I can make")


def test_a_mentor_without_an_active_match_cannot_change_the_plan(pair, user_factory):
    engineer, _, _ = pair
    plan = plan_service.create_plan(engineer.id, path="external_hire", start=TODAY)
    stranger = person(user_factory, ("mentor",))
    with pytest.raises(NotFoundError):
        plan_service.move_milestone(plan.milestones[0].id, actor_id=stranger.id, due=TODAY, note="mine now")


def test_engineer_ticks_a_document_milestone_by_hand_with_a_link(client, login, pair, form_post):
    engineer, _, _ = pair
    plan = plan_service.create_plan(engineer.id, path="internal_transfer", start=TODAY)
    doc = milestone(plan, "problem_statement")
    login(engineer)
    prefix = f"tick{doc.id}"
    refused = form_post(
        f"/plan/milestones/{doc.id}/tick", {f"{prefix}-note": "Approved by Maya", f"{prefix}-link": ""}, "/plan"
    )
    assert refused.status_code == 400
    assert "Link the approved document" in field_errors(refused.get_data(as_text=True))[f"{prefix}-link"]
    bad_link = form_post(
        f"/plan/milestones/{doc.id}/tick", {f"{prefix}-note": "x", f"{prefix}-link": "javascript:alert(1)"}, "/plan"
    )
    assert "Paste a web address" in field_errors(bad_link.get_data(as_text=True))[f"{prefix}-link"]
    done = form_post(
        f"/plan/milestones/{doc.id}/tick",
        {f"{prefix}-note": "Approved by Maya", f"{prefix}-link": "https://docs.example.com/problem"},
        "/plan",
    )
    assert done.status_code == 303
    db.session.refresh(doc)
    assert doc.done and doc.done_by == engineer.id and doc.done_link == "https://docs.example.com/problem"
    pack = client.get(f"/plan/{engineer.id}/evidence-pack").get_data(as_text=True)
    assert "https://docs.example.com/problem" in pack and "What my technical depth brings" in pack


def test_lead_sees_each_engineers_overdue_milestones_on_the_cohort_page(client, pair, user_factory):
    engineer, mentor, _ = pair
    lead = person(user_factory, ("lead",))
    cohort = Cohort(name="Autumn", start_date=TODAY, weeks=12, created_by=lead.id)
    db.session.add(cohort)
    db.session.flush()
    db.session.add_all(
        [
            CohortLead(cohort_id=cohort.id, user_id=lead.id),
            CohortMember(cohort_id=cohort.id, user_id=engineer.id, role="engineer"),
        ]
    )
    db.session.commit()
    plan = plan_service.create_plan(engineer.id, path="internal_transfer", start=TODAY - timedelta(days=70))
    overdue = board_reads.people_and_overdue_milestones(cohort.id).overdue
    assert [row.engineer.id for row in overdue] == [engineer.id]
    late = overdue[0].milestones
    assert late and all(plans.week_ends(plan.start_date, m.due_week) < TODAY and not m.done for m in late)
    sign_in(client, lead)
    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert "Overdue plan milestones" in page and late[0].title in page and f'href="/plan/{engineer.id}"' in page
    assert client.get(f"/plan/{engineer.id}").status_code == 200


def test_admin_enters_apm_seasons_and_new_apm_plans_get_them(client, login, pair, form_post, user_factory):
    engineer, _, _ = pair
    admin = person(user_factory, ("admin",))
    login(admin)
    refused = form_post(
        "/admin/apm-seasons",
        {"program": "Example APM 2027", "opens_on": iso(TODAY + timedelta(days=30)), "closes_on": iso(TODAY)},
    )
    assert refused.status_code == 400
    assert "close on or after the day they open" in field_errors(refused.get_data(as_text=True))["closes_on"]
    added = form_post(
        "/admin/apm-seasons",
        {"program": "Example APM 2027", "opens_on": iso(TODAY), "closes_on": iso(TODAY + timedelta(days=90))},
    )
    assert added.status_code == 303
    assert db.session.scalar(select(ApmSeason.program)) == "Example APM 2027"
    plan = plan_service.create_plan(engineer.id, path="apm_program", start=TODAY)
    apply = milestone(plan, "apm_season")
    assert apply.title == "Apply to Example APM 2027"
    assert plans.week_ends(TODAY, apply.due_week) < TODAY + timedelta(days=90)


def test_service_errors_name_every_wrong_field_at_once(pair):
    engineer, _, _ = pair
    with pytest.raises(ServiceError) as refused:
        plan_service.create_plan(engineer.id, path="moon", start=TODAY + timedelta(days=800))
    assert set(refused.value.errors) == {"path", "start_date"}


def test_demo_data_gives_some_engineers_a_plan_once(app):
    from pmcohort.demo import DEMO_PLAN_STARTS, seed_demo

    seed_demo()
    seed_demo()
    assert db.session.scalar(select(func.count()).select_from(Plan)) == len(DEMO_PLAN_STARTS)
    assert db.session.scalar(select(func.count()).select_from(ApmSeason)) == 2
    assert (
        db.session.scalar(select(func.count()).select_from(PlanMilestone).where(PlanMilestone.done_at.is_not(None)))
        >= 2
    )
