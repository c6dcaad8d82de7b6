"""A small world with one of everything that has an id, and people on every side of it.

The access-control table and the fuzz test both run their requests against it.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from pmcohort.accounts.models import User
from pmcohort.assessment.services import attempt_from
from pmcohort.cohorts import roster
from pmcohort.cohorts.models import MatchingRun, RosterImport
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain import readiness as assessment
from pmcohort.mentoring import feeds, practice_bank
from pmcohort.mentoring.models import ActionItem, PracticeItem
from pmcohort.notifications.models import OutboxMessage
from pmcohort.plans import services as plan_service
from pmcohort.plans.models import ApmSeason
from pmcohort.profiles.models import AvailabilityWindow, AwayPeriod
from pmcohort.writing import portfolios
from pmcohort.writing import services as writing
from pmcohort.writing.models import WritingKind
from tests.factories import active_match, book, cohort_with, person, rematch_proposal

# Inside the world: an engineer and a mentor matched in a cohort that `lead` leads.
# Outside it: someone of each role with nothing to do with those objects.
PEOPLE = ("engineer", "mentor", "lead", "admin", "other_engineer", "other_mentor", "other_lead")


@dataclass
class World:
    people: dict[str, User]
    ids: dict[str, int]  # "session_id", "question_id", ..., and each person's name -> their user id
    tokens: dict[str, str] = field(default_factory=dict)


def build_world(user_factory) -> World:
    practice_bank.seed_starter_set()
    roles = {"engineer": ("engineer",), "mentor": ("mentor",), "lead": ("lead",), "admin": ("admin",)}
    people = {name: person(user_factory, roles[name.removeprefix("other_")]) for name in PEOPLE}
    engineer, mentor, lead = people["engineer"], people["mentor"], people["lead"]

    cohort = cohort_with(lead, [engineer], [mentor], name="Spring cohort")
    match = active_match(engineer, mentor, cohort)
    run = MatchingRun(cohort_id=cohort.id, status="published", progress=100, stage="Done", result={"pairs": []})
    attempt = attempt_from(engineer.id, {}, assessment.score({}))
    attempt.completed_at = utcnow() - timedelta(days=30)  # so a retake (the steps) is open
    away = AwayPeriod(
        user_id=engineer.id, first_day=date.today() + timedelta(days=30), last_day=date.today() + timedelta(days=31)
    )
    staged_import = RosterImport(cohort_id=cohort.id, rows=[], total=0)
    db.session.add_all([run, attempt, away, staged_import])
    db.session.flush()
    session = book(match, engineer)
    action_item = ActionItem(
        session_id=session.id, engineer_id=engineer.id, match_id=match.id, text="Write a one-pager"
    )
    db.session.add(action_item)
    db.session.flush()
    proposal = rematch_proposal(match, candidates=[])
    window = db.session.query(AvailabilityWindow).filter_by(user_id=engineer.id).first()
    first_item = {
        kind: db.session.query(PracticeItem).filter_by(item_type=kind).first().id
        for kind in ("question", "persona", "rubric")
    }
    season = ApmSeason(
        program="Example APM", opens_on=date.today(), closes_on=date.today() + timedelta(days=60), created_by=None
    )
    db.session.add(season)
    db.session.commit()
    # Pending: not yet accepted, so its lead may send it again.
    invitation = roster.invite(cohort.id, "invited@example.com", "engineer", actor_id=lead.id)
    # Its email failed for good, so an admin may queue it again.
    failed = db.session.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()))
    failed.failed_at = utcnow()
    db.session.commit()
    # Started two months ago, so some of its milestones are overdue on the lead's cohort page.
    plan = plan_service.create_plan(engineer.id, path="internal_transfer", start=date.today() - timedelta(days=60))
    documents = _written_work(engineer, mentor)
    return World(
        people=people,
        ids={
            "cohort_id": cohort.id,
            "run_id": run.id,
            "import_id": staged_import.id,
            "match_id": match.id,
            "session_id": session.id,
            "action_item_id": action_item.id,
            "attempt_id": attempt.id,
            "window_id": window.id,
            "away_id": away.id,
            "proposal_id": proposal.id,
            "invitation_id": invitation.id,
            "outbox_id": failed.id,
            "number": 1,
            "milestone_id": plan.milestones[0].id,
            "season_id": season.id,
            **{f"{kind}_id": item_id for kind, item_id in first_item.items()},
            **documents,
            **{name: user.id for name, user in people.items()},
        },
        tokens={
            "calendar_feed": feeds.open_feed(engineer.id).token,
            "portfolio": portfolios.share_portfolio(engineer.id).token,
        },
    )


def _written_work(engineer: User, mentor: User) -> dict[str, int]:
    """A problem statement in review with the mentor's comment on its first paragraph, and a second one in draft."""
    writing.seed_kinds()
    reviewed = writing.create_document(engineer.id, kind_key="problem_statement", title="Slow onboarding")
    writing.submit(
        reviewed.id, engineer.id, title="Slow onboarding", body="# Who waits\n\nNew teams wait two weeks for access."
    )
    comment = writing.add_comment(reviewed.id, mentor.id, block=1, body="How do you know it is two weeks?")
    draft = writing.create_document(engineer.id, kind_key="release_notes", title="What's new in March")
    return {
        "document_id": reviewed.id,
        "draft_id": draft.id,
        "comment_id": comment.id,
        "kind_id": db.session.query(WritingKind).first().id,
    }
