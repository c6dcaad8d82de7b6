"""Demo written work: documents in every state, so mentor1's review queue and the lead's agreement figures
are populated from the first sign-in. Idempotent: does nothing once any document exists."""

from datetime import timedelta

from sqlalchemy import select

from pmcohort.accounts.models import find_user_by_email
from pmcohort.cohorts.models import Cohort
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.notifications import reminders
from pmcohort.writing import portfolios, services
from pmcohort.writing.models import Document

PROBLEM_V1 = """# New teams wait two weeks to ship

## Who has the problem

Teams that join the platform wait before their first deploy.

## How we know

We should build a self-service portal that provisions everything in one click.
"""
PROBLEM_V2 = """# New teams wait two weeks to ship

## Who has the problem

Product teams that join the platform: 9 of the 12 teams that joined this year.

## When it happens, and what it costs them

Their first deploy comes 11 working days after they start, on average. For those days a team of six is paid
but ships nothing, and two teams told us they nearly chose a competitor's hosting instead.

## How we know

Interviews with 7 team leads, and the access tickets of all 12 teams.

## What we are assuming

That most of the wait is approvals rather than set-up: the tickets suggest it, and we will check with the
security team before proposing anything.
"""
QUEUED = [
    # (engineer number, kind, title, hours waiting)
    (2, "executive_summary", "Move billing to monthly invoicing", 70),
    (3, "insight_synthesis", "What eight admins told us about permissions", 20),
    (4, "stakeholder_update", "Search relaunch: week 6", 2),
]


def _age(document_id: int, hours: float) -> None:
    """Set a demo submission in the past, as if it had waited that long."""
    document = db.session.get(Document, document_id)
    when = utcnow() - timedelta(hours=hours)
    document.submitted_at = when
    document.latest_version.submitted_at = when
    reminders.plan_review(document)  # its chasers count from the new submission time
    db.session.commit()


def seed_demo_writing(domain: str, cohort_name: str) -> None:
    services.seed_kinds()
    if db.session.scalar(select(Document.id).limit(1)):
        return
    people = {name: find_user_by_email(f"{name}@{domain}") for name in ("engineer1", "mentor1", "mentor2", "lead")}
    engineer, mentor = people["engineer1"], people["mentor1"]
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == cohort_name))

    # Two rounds with mentor1, approved, in the portfolio; a blind second review gives the lead agreement figures.
    problem = services.create_document(engineer.id, kind_key="problem_statement", title="New teams wait to ship")
    services.submit(problem.id, engineer.id, title=problem.title, body=PROBLEM_V1)
    _age(problem.id, 24 * 6)
    services.add_comment(problem.id, mentor.id, block=4, body="This is a solution. What does the wait cost the teams?")
    services.add_comment(problem.id, mentor.id, block=2, body="Which teams, and how many?")
    scores = {"problem_first": 1, "evidence": 2, "plain_reader": 3, "assumptions": 1, "concise": 3}
    services.submit_review(
        problem.id,
        mentor.id,
        scores=scores,
        summary="Readable, but it jumps to a portal before the problem is agreed. Say who waits, what it costs them, "
        "and how you know; name what you are assuming.",
        decision="changes_requested",
    )
    services.submit(problem.id, engineer.id, title=problem.title, body=PROBLEM_V2)
    _age(problem.id, 24 * 3)
    scores = {"problem_first": 4, "evidence": 3, "plain_reader": 3, "assumptions": 4, "concise": 3}
    services.submit_review(
        problem.id,
        mentor.id,
        scores=scores,
        summary="Now the problem stands on its own, with its cost and its evidence. Approved.",
        decision="approved",
    )
    services.request_second_review(problem.id, people["lead"].id, mentor_id=people["mentor2"].id)
    services.submit_review(
        problem.id,
        people["mentor2"].id,
        scores={"problem_first": 4, "evidence": 2, "plain_reader": 3, "assumptions": 3, "concise": 3},
        summary="A clear problem; the evidence is thinner than it reads.",
        decision=None,
    )
    portfolios.save_portfolio(engineer.id, version_ids=[problem.latest_version.id], show_scores=True)
    services.create_document(engineer.id, kind_key="release_notes", title="Faster builds for everyone")

    # From here on, the cohort's submissions go to its shared queue: mentor1 sees them, oldest first.
    services.set_shared_queue(cohort.id, people["lead"].id, True)
    backlog = services.create_document(engineer.id, kind_key="prioritization_rationale", title="Q3 backlog: top three")
    services.submit(
        backlog.id,
        engineer.id,
        title=backlog.title,
        body="# Q3 backlog: top three\n\n## The decision we need\n\nWhich three items we staff in Q3.\n",
    )
    services.start_review(backlog.id, mentor.id)
    _age(backlog.id, 8)
    for number, kind, title, hours in QUEUED:
        author = find_user_by_email(f"engineer{number}@{domain}")
        document = services.create_document(author.id, kind_key=kind, title=title)
        body = services.find_kind(kind).skeleton.replace("<", "").replace(">", "")
        services.submit(document.id, author.id, title=title, body=f"{body}\nA first draft for review.\n")
        _age(document.id, hours)
    withdrawn = services.create_document(
        find_user_by_email(f"engineer5@{domain}").id, kind_key="product_strategy", title="Strategy: ML platform"
    )
    services.withdraw(withdrawn.id, withdrawn.author_id)
