"""Review chasers: planned with the submission, sent by the sweep to whoever owes the review at 3
and 5 days and to the cohort's leads at 7, dropped when the review is decided or the document
withdrawn, and subject to the "reviews" preferences like every other notice."""

from datetime import datetime, timedelta

from sqlalchemy import select

from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain.statuses import ReviewDecision
from pmcohort.notifications import reminders
from pmcohort.notifications import services as preferences
from pmcohort.notifications.models import DueReminder, Notification, OutboxMessage
from pmcohort.writing import services as writing
from pmcohort.writing.models import Document
from tests.mail import deliver_pending, html_of, inbox_titles, text_of

NUDGE = "Reminder: a document is waiting for your review"
DUE = "Your review is due"
QUEUE_NUDGE = "A document in your cohort's review queue is still waiting"
TO_LEAD = "A review has waited a week"
SCORES = {"customer_value": 3, "plain_reader": 4, "concise": 4}


def submitted(author_id: int, title: str = "Faster builds") -> Document:
    document = writing.create_document(author_id, kind_key="release_notes", title=title)
    document = writing.submit(document.id, author_id, title=title, body="# What's new\n\nBuilds take half the time.")
    deliver_pending()  # "a document to review": the request itself, not a chaser
    return document


def planned(document_id: int) -> dict[str, tuple[str, datetime]]:
    rows = db.session.scalars(
        select(DueReminder).where(
            DueReminder.subject_type == "document",
            DueReminder.subject_id == document_id,
            DueReminder.sent_at.is_(None),
        )
    ).all()
    return {row.key: (row.topic, row.due_at) for row in rows}


def submitted_days_ago(document_id: int, ago: timedelta) -> Document:
    """As if submitted `ago`, its chasers planned then: the sweep with today's clock finds the ones that fell due."""
    document = db.session.get(Document, document_id)
    document.submitted_at = document.latest_version.submitted_at = utcnow() - ago
    reminders.plan_review(document, now=document.submitted_at)
    db.session.commit()
    return document


def sweep_and_deliver(now: datetime | None = None) -> int:
    swept = reminders.send_due(now=now)
    deliver_pending()
    return swept


def chaser_subjects(mailbox) -> list[tuple[str, str]]:
    return [(m["To"], m["Subject"]) for m in mailbox.messages if m["Subject"] in (NUDGE, DUE, QUEUE_NUDGE, TO_LEAD)]


def test_a_submission_plans_chasers_at_3_and_5_days_and_the_lead_at_7(app, cast):
    document = submitted(cast.engineer.id)
    at = document.submitted_at
    assert planned(document.id) == {
        f"document:{document.id}:v1:review-3d": ("writing.review_overdue", at + timedelta(days=3)),
        f"document:{document.id}:v1:review-5d": ("writing.review_overdue", at + timedelta(days=5)),
        f"document:{document.id}:v1:review-lead": ("writing.review_overdue_lead", at + timedelta(days=7)),
    }

    writing.submit_review(
        document.id, cast.mentor.id, scores=SCORES, summary="Say who it is for.", decision="changes_requested"
    )
    assert planned(document.id) == {}, "decided: nothing left to chase"
    writing.submit(document.id, cast.engineer.id, title="Faster builds", body="# What's new\n\nCI builds take half.")
    again = db.session.get(Document, document.id)
    assert set(planned(document.id)) == {
        f"document:{document.id}:v2:{kind}" for kind in ("review-3d", "review-5d", "review-lead")
    }, "the resubmission is its own round"
    assert planned(document.id)[f"document:{document.id}:v2:review-3d"][1] == again.submitted_at + timedelta(days=3)


def test_the_sweep_reminds_the_mentor_at_3_and_5_days_and_tells_the_lead_at_7(app, cast, mailbox):
    document = submitted(cast.engineer.id, "Dark mode for the dashboard")
    submitted_days_ago(document.id, timedelta(days=3, hours=1))
    mailbox.messages.clear()

    assert sweep_and_deliver() == 1, "only the 3-day chaser has fallen due"
    [nudge] = mailbox.to(cast.mentor.email)
    assert nudge["Subject"] == NUDGE
    words = text_of(nudge)
    assert "“Dark mode for the dashboard”" in words and cast.engineer.name in words
    assert "has waited 3 days for your review" in words
    assert f"/writing/{document.id}/review" in words and f"/writing/{document.id}/review" in html_of(nudge)
    assert nudge["List-Unsubscribe"] and nudge["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    item = db.session.scalar(
        select(Notification).where(Notification.user_id == cast.mentor.id, Notification.title == NUDGE)
    )
    assert "“Dark mode for the dashboard”" in item.body and item.link == f"/writing/{document.id}/review"

    assert sweep_and_deliver(now=utcnow() + timedelta(days=2)) == 1
    assert [m["Subject"] for m in mailbox.to(cast.mentor.email)] == [NUDGE, DUE]
    assert sweep_and_deliver(now=utcnow() + timedelta(days=4)) == 1
    [to_lead] = mailbox.to(cast.lead.email)
    assert to_lead["Subject"] == TO_LEAD
    assert f"for {cast.mentor.name}'s review" in text_of(to_lead) and "“Dark mode for the dashboard”" in text_of(
        to_lead
    )
    assert f"/writing/{document.id}" in text_of(to_lead)
    assert inbox_titles(cast.lead) == [TO_LEAD]
    assert chaser_subjects(mailbox) == [
        (cast.mentor.email, NUDGE),
        (cast.mentor.email, DUE),
        (cast.lead.email, TO_LEAD),
    ], "neither the author nor the other mentor is chased"
    assert sweep_and_deliver(now=utcnow() + timedelta(days=30)) == 0, "each chaser is sent once"


def test_a_review_done_before_day_3_sends_nothing(app, cast, mailbox):
    document = submitted(cast.engineer.id)
    writing.submit_review(
        document.id, cast.mentor.id, scores=SCORES, summary="Clear.", decision=ReviewDecision.APPROVED
    )
    assert planned(document.id) == {}
    assert sweep_and_deliver(now=utcnow() + timedelta(days=8)) == 0
    assert chaser_subjects(mailbox) == []


def test_a_chaser_already_swept_when_the_review_lands_says_nothing(app, cast, mailbox):
    document = submitted(cast.engineer.id)
    reminders.send_due(now=utcnow() + timedelta(days=3, minutes=1))  # queued, not yet delivered
    writing.submit_review(
        document.id, cast.mentor.id, scores=SCORES, summary="Clear.", decision=ReviewDecision.APPROVED
    )
    sweep_and_deliver()
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.topic == "writing.review_overdue")).processed_at
    assert chaser_subjects(mailbox) == [], "the handler checks the round still waits"


def test_a_withdrawn_document_sends_nothing(app, cast, mailbox):
    document = submitted(cast.engineer.id)
    writing.withdraw(document.id, cast.engineer.id)
    assert planned(document.id) == {}
    assert sweep_and_deliver(now=utcnow() + timedelta(days=8)) == 0
    assert chaser_subjects(mailbox) == []


def test_in_a_shared_queue_every_cohort_mentor_is_chased_until_one_claims_it(app, cast, mailbox):
    writing.set_shared_queue(cast.cohort.id, cast.lead.id, True)
    document = submitted(cast.engineer.id)
    assert document.reviewer_id is None
    submitted_days_ago(document.id, timedelta(days=3, hours=1))
    mailbox.messages.clear()
    sweep_and_deliver()
    assert sorted(chaser_subjects(mailbox)) == sorted(
        [(cast.mentor.email, QUEUE_NUDGE), (cast.second_mentor.email, QUEUE_NUDGE)]
    )
    assert "Claim it to review it within 48 hours" in text_of(mailbox.to(cast.second_mentor.email)[0])

    writing.start_review(document.id, cast.second_mentor.id)
    mailbox.messages.clear()
    sweep_and_deliver(now=utcnow() + timedelta(days=2))
    assert chaser_subjects(mailbox) == [(cast.second_mentor.email, DUE)], "claimed: the claimant owes it"


def test_the_reviews_preferences_and_one_click_unsubscribe_are_respected(app, cast, mailbox):
    preferences.set_preferences(cast.lead.id, {"reviews": (False, True)})
    document = submitted(cast.engineer.id)
    submitted_days_ago(document.id, timedelta(days=3, hours=1))
    mailbox.messages.clear()
    sweep_and_deliver()
    [nudge] = mailbox.to(cast.mentor.email)
    path = nudge["List-Unsubscribe"].strip("<>").split("://", 1)[1].split("/", 1)[1]
    done = app.test_client().post(f"/{path}", data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and preferences.channels_for(cast.mentor.id, "reviews") == (False, True)

    mailbox.messages.clear()
    sweep_and_deliver(now=utcnow() + timedelta(days=4))
    assert chaser_subjects(mailbox) == [], "both chose the inbox only for reviews"
    assert inbox_titles(cast.mentor) == ["A document to review", NUDGE, DUE]
    assert TO_LEAD in inbox_titles(cast.lead)


def test_the_demo_s_waiting_documents_are_chased_from_their_own_submission_times(app):
    from pmcohort.demo import seed_demo
    from pmcohort.domain.statuses import DOCUMENT_AWAITING_REVIEW

    seed_demo()
    waiting = db.session.scalars(select(Document).where(Document.status.in_(DOCUMENT_AWAITING_REVIEW))).all()
    assert waiting, "the demo has documents waiting for a review"
    for document in waiting:
        plan = planned(document.id)
        version = document.latest_version.number
        assert plan[f"document:{document.id}:v{version}:review-lead"] == (
            "writing.review_overdue_lead",
            document.submitted_at + timedelta(days=7),
        ), document.title
