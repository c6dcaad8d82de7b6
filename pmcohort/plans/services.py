"""Personal plans: making one, changing its milestones, and ticking them when their evidence lands.

`record_evidence` is the one door through which other areas report evidence (a session held, an
assessment retaken, and once written work exists, a document approved). It joins the caller's
transaction: the milestone ticks in the same commit as the change that earned it, or not at all.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from urllib.parse import urlsplit

from sqlalchemy import and_, select
from sqlalchemy.orm import lazyload

from pmcohort.accounts.models import User
from pmcohort.cohorts.models import Match
from pmcohort.core.errors import NotFoundError, ServiceError
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain import plans
from pmcohort.domain.plans import EvidenceKind, NoteAction
from pmcohort.domain.statuses import Attendance, MatchStatus, ParticipantRole, SessionStatus
from pmcohort.domain.vocabulary import PATHS
from pmcohort.evidence.services import latest_attempt
from pmcohort.mentoring.models import MentoringSession, SessionParticipant
from pmcohort.notifications.outbox import enqueue
from pmcohort.ops.models import record_audit
from pmcohort.plans.models import ApmSeason, MilestoneNote, Plan, PlanMilestone

MAX_PROGRAM = 120


def today() -> date:
    return utcnow().date()


# --- reading


def plan_of(user_id: int) -> Plan | None:
    return db.session.scalar(select(Plan).where(Plan.user_id == user_id))


def active_mentor_id(engineer_id: int) -> int | None:
    return db.session.scalar(
        select(Match.mentor_id).where(Match.engineer_id == engineer_id, Match.status == MatchStatus.ACTIVE).limit(1)
    )


def may_edit(actor_id: int, engineer_id: int) -> bool:
    """The engineer and their active mentor add and move milestones."""
    return actor_id == engineer_id or active_mentor_id(engineer_id) == actor_id


@dataclass(frozen=True)
class UpNext:
    milestone: PlanMilestone
    due: date
    overdue: bool


@dataclass(frozen=True)
class PlanGlance:
    """What the dashboard shows of a plan: whether there is one, and its next open milestones."""

    has_plan: bool
    next: list[UpNext]


def glance(user_id: int, limit: int) -> PlanGlance:
    """In one query: the plan, with its first open milestones (none when all are done)."""
    rows = db.session.execute(
        select(Plan.start_date, PlanMilestone)
        .outerjoin(PlanMilestone, and_(PlanMilestone.plan_id == Plan.id, PlanMilestone.done_at.is_(None)))
        .where(Plan.user_id == user_id)
        .options(lazyload(PlanMilestone.notes))  # the glance shows no notes: not loading them saves a query
        .order_by(PlanMilestone.due_week, PlanMilestone.id)
        .limit(limit)
    ).all()
    on = today()
    return PlanGlance(
        bool(rows),
        [
            UpNext(m, m.due_date(start), m.state(start, on) == plans.MilestoneState.OVERDUE)
            for start, m in rows
            if m is not None
        ],
    )


@dataclass(frozen=True)
class Overdue:
    engineer: User
    plan: Plan
    milestones: list[PlanMilestone]


def overdue_by_engineer(rows: Iterable[tuple[User, Plan | None, PlanMilestone | None]], on: date) -> list[Overdue]:
    """From (engineer, plan, milestone not done) rows, in due order: each engineer with milestones past due,
    the most overdue first. A row without a milestone adds nothing."""
    found: dict[int, Overdue] = {}
    for engineer, plan, milestone in rows:
        if milestone is not None and milestone.state(plan.start_date, on) == plans.MilestoneState.OVERDUE:
            found.setdefault(plan.id, Overdue(engineer, plan, [])).milestones.append(milestone)
    return sorted(found.values(), key=lambda o: (-len(o.milestones), o.engineer.name))


def seasons() -> list[ApmSeason]:
    return list(db.session.scalars(select(ApmSeason).order_by(ApmSeason.closes_on, ApmSeason.program)))


# --- making a plan


def milestone_columns(planned: plans.PlannedMilestone) -> dict:
    """A stored milestone's columns: the planned one's fields as they are, its evidence spread over three."""
    copied = {field.name: getattr(planned, field.name) for field in fields(planned) if field.name != "evidence"}
    evidence = planned.evidence
    return copied | {
        "evidence_kind": evidence.kind if evidence else None,
        "evidence_detail": evidence.detail if evidence else None,
        "evidence_count": evidence.count if evidence else 1,
        "evidence_refs": [],
    }


def create_plan(user_id: int, *, path: str | None, start: date | None, replace: bool = False) -> Plan:
    """A new 12-month plan from the engineer's latest gap profile, `path` and `start`."""
    errors = {}
    if path not in PATHS:
        errors["path"] = "Choose one of the three paths: internal transfer, APM program or external hire."
    if start is None:
        errors["start_date"] = "Enter the date your plan starts, like 2027-01-04."
    elif problem := plans.start_date_problem(start, today()):
        errors["start_date"] = problem
    existing = plan_of(user_id)
    if existing is not None and not replace:
        errors["replace"] = "You already have a plan. Tick the box to replace it (its ticks and notes go with it)."
    if errors:
        raise ServiceError.at_fields(errors)
    if existing is not None:
        db.session.delete(existing)
        db.session.flush()
    attempt = latest_attempt(user_id)
    scores = attempt.skill_scores if attempt else None
    plan = Plan(
        user_id=user_id,
        path=path,
        start_date=start,
        skill_order=list(plans.skill_order(path, scores)),
        attempt_id=attempt.id if attempt else None,
    )
    seasons_now = [season.as_domain() for season in seasons()] if path == "apm_program" else []
    for planned in plans.generate(plans.path_plans()[path], start, scores, seasons_now):
        plan.milestones.append(PlanMilestone(**milestone_columns(planned)))
    db.session.add(plan)
    db.session.flush()
    _count_sessions_held_since(plan)
    record_audit(
        "plan.created", "plan", plan.id, actor_id=user_id, path=path, start=start.isoformat(), replaced=bool(existing)
    )
    db.session.commit()
    return plan


def _count_sessions_held_since(plan: Plan) -> None:
    """Sessions the engineer attended since the plan's start count towards it, as if held now."""
    rows = db.session.execute(
        select(MentoringSession.id, MentoringSession.kind, MentoringSession.interview_kind, MentoringSession.end_at)
        .join(SessionParticipant, SessionParticipant.session_id == MentoringSession.id)
        .where(
            SessionParticipant.user_id == plan.user_id,
            SessionParticipant.role == ParticipantRole.PARTICIPANT,
            SessionParticipant.attendance == Attendance.ATTENDED,
            MentoringSession.status == SessionStatus.COMPLETED,
            MentoringSession.start_at >= datetime.combine(plan.start_date, datetime.min.time(), tzinfo=utcnow().tzinfo),
        )
        .order_by(MentoringSession.end_at)
    )
    for session_id, kind, interview_kind, end_at in rows:
        _apply_evidence(
            plan, EvidenceKind.SESSION_HELD, plans.session_detail(kind, interview_kind), f"session:{session_id}", end_at
        )


# --- evidence


def _apply_evidence(plan: Plan, kind: str, detail: str | None, ref: str, at: datetime) -> list[PlanMilestone]:
    ticked = []
    for milestone in plan.milestones:
        evidence = milestone.evidence
        if milestone.done or evidence is None or not evidence.accepts(kind, detail) or ref in milestone.evidence_refs:
            continue
        milestone.evidence_refs = [*milestone.evidence_refs, ref]  # a new list, so the JSON column sees the change
        if len(milestone.evidence_refs) >= milestone.evidence_count:
            milestone.done_at, milestone.done_by = at, None
            milestone.notes.append(MilestoneNote(action=NoteAction.EVIDENCE, text=f"Done: {_describe(kind, detail)}."))
            ticked.append(milestone)
    return ticked


def _describe(kind: str, detail: str | None) -> str:
    if kind == EvidenceKind.SESSION_HELD:
        return f"{(detail or 'session').replace('_', ' ').replace('/', ': ')} session held"
    if kind == EvidenceKind.DOCUMENT_APPROVED:
        return f"{plans.DOCUMENT_KINDS.get(detail or '', 'document').lower()} approved"
    return "assessment retaken"


def record_evidence(
    user_id: int, kind: str, *, ref: str, detail: str | None = None, at: datetime | None = None
) -> list[PlanMilestone]:
    """Evidence for `user_id`'s plan landed: milestones that ask for it count it once (by `ref`), and
    tick when they have enough. Returns the milestones it ticked.

    `kind` is an EvidenceKind; `detail` the session kind ("interview/estimation", see
    `plans.session_detail`) or, for `document_approved`, the document kind ("problem_statement");
    `ref` names the evidence ("session:12", "document:7"). The written-work area calls
    `record_evidence(author_id, EvidenceKind.DOCUMENT_APPROVED, detail=kind, ref=f"document:{id}")`
    when a mentor approves a document. Joins the caller's transaction: it never commits.
    """
    plan = plan_of(user_id)
    if plan is None:
        return []
    ticked = _apply_evidence(plan, EvidenceKind(kind), detail, ref, at or utcnow())
    for milestone in ticked:
        record_audit("plan.milestone_done", "plan_milestone", milestone.id, evidence=ref)
    return ticked


def record_session_held(session_id: int) -> None:
    """The hook where attendance is recorded: every guest who attended has held a session of its kind."""
    mentoring_session = db.session.get(MentoringSession, session_id)
    detail = plans.session_detail(mentoring_session.kind, mentoring_session.interview_kind)
    for guest in mentoring_session.guests():
        if guest.attendance == Attendance.ATTENDED:
            record_evidence(
                guest.user_id,
                EvidenceKind.SESSION_HELD,
                detail=detail,
                ref=f"session:{session_id}",
                at=mentoring_session.end_at,
            )


# --- changing milestones


def _milestone_for(milestone_id: int, actor_id: int, *, engineer_only: bool = False) -> tuple[Plan, PlanMilestone]:
    milestone = db.session.get(PlanMilestone, milestone_id)
    plan = db.session.get(Plan, milestone.plan_id) if milestone else None
    allowed = plan is not None and (actor_id == plan.user_id if engineer_only else may_edit(actor_id, plan.user_id))
    if not allowed:
        raise NotFoundError("milestone", milestone_id)
    return plan, milestone


def _note_problem(note: str) -> str | None:
    if not note.strip():
        return "Say in a sentence why, so the plan keeps its history."
    if len(note) > plans.MAX_NOTE:
        return f"Keep the note under {plans.MAX_NOTE} characters."
    return None


def _due_week(plan: Plan, due: date | None) -> tuple[int | None, str | None]:
    if due is None:
        return None, "Enter the date it is due, like 2027-03-01."
    problem = plans.due_week_problem(plan.start_date, due)
    return (None, problem) if problem else (plans.week_of(plan.start_date, due), None)


def _tell_the_engineer(plan: Plan, actor_id: int, change: str, title: str, week: int, note: str) -> None:
    if actor_id != plan.user_id:  # the engineer knows what they changed themselves
        enqueue(
            "plan.changed",
            engineer_id=plan.user_id,
            actor_id=actor_id,
            change=change,
            title=title,
            week=week,
            note=note.strip(),
        )


def add_milestone(
    engineer_id: int, *, actor_id: int, title: str, done_when: str, due: date | None, note: str
) -> PlanMilestone:
    plan = plan_of(engineer_id)
    if plan is None or not may_edit(actor_id, engineer_id):
        raise NotFoundError("plan", engineer_id)
    week, due_problem = _due_week(plan, due)
    errors = {
        "title": "Name the milestone." if not title.strip() else None,
        "done_when": "Say what counts as done." if not done_when.strip() else None,
        "due": due_problem,
        "note": _note_problem(note),
    }
    if len(title.strip()) > plans.MAX_TITLE:
        errors["title"] = f"Keep the name under {plans.MAX_TITLE} characters."
    if len(done_when) > plans.MAX_NOTE:
        errors["done_when"] = f"Keep it under {plans.MAX_NOTE} characters."
    if any(errors.values()):
        raise ServiceError.at_fields({field: message for field, message in errors.items() if message})
    milestone = PlanMilestone(
        plan_id=plan.id,
        title=title.strip(),
        done_when=done_when.strip(),
        due_week=week,
        added_by=actor_id,
        evidence_refs=[],
    )
    milestone.notes.append(MilestoneNote(author_id=actor_id, action=NoteAction.ADDED, text=note.strip(), to_week=week))
    db.session.add(milestone)
    db.session.flush()
    record_audit("plan.milestone_added", "plan_milestone", milestone.id, actor_id=actor_id, week=week)
    _tell_the_engineer(plan, actor_id, "added", milestone.title, week, note)
    db.session.commit()
    return milestone


def move_milestone(milestone_id: int, *, actor_id: int, due: date | None, note: str) -> PlanMilestone:
    plan, milestone = _milestone_for(milestone_id, actor_id)
    week, due_problem = _due_week(plan, due)
    errors = {"due": due_problem, "note": _note_problem(note)}
    if week is not None and week == milestone.due_week:
        errors["due"] = f"It is already due in week {week}. Pick a date in another week."
    if any(errors.values()):
        raise ServiceError.at_fields({field: message for field, message in errors.items() if message})
    milestone.notes.append(
        MilestoneNote(
            author_id=actor_id, action=NoteAction.MOVED, text=note.strip(), from_week=milestone.due_week, to_week=week
        )
    )
    record_audit(
        "plan.milestone_moved", "plan_milestone", milestone.id, actor_id=actor_id, from_week=milestone.due_week, to=week
    )
    milestone.due_week = week
    _tell_the_engineer(plan, actor_id, "moved", milestone.title, week, note)
    db.session.commit()
    return milestone


def _link_problem(link: str, required: bool) -> str | None:
    if not link:
        return "Link the approved document, so your mentor and lead can open it." if required else None
    parts = urlsplit(link)
    if len(link) > plans.MAX_LINK or not (
        (parts.scheme in ("http", "https") and parts.netloc) or (not parts.scheme and link.startswith("/"))
    ):
        return "Paste a web address starting with https:// (or a page of this site starting with /)."
    return None


def tick(milestone_id: int, *, actor_id: int, note: str, link: str) -> PlanMilestone:
    """The engineer ticks a milestone by hand; a document milestone needs the link to the approved document."""
    _, milestone = _milestone_for(milestone_id, actor_id, engineer_only=True)
    if milestone.done:
        raise ServiceError(None, "This milestone is already done.")
    link = link.strip()
    errors = {
        "note": _note_problem(note),
        "link": _link_problem(link, milestone.evidence_kind == EvidenceKind.DOCUMENT_APPROVED),
    }
    if any(errors.values()):
        raise ServiceError.at_fields({field: message for field, message in errors.items() if message})
    milestone.done_at, milestone.done_by = utcnow(), actor_id
    milestone.done_note, milestone.done_link = note.strip(), link
    milestone.notes.append(MilestoneNote(author_id=actor_id, action=NoteAction.TICKED, text=note.strip()))
    record_audit("plan.milestone_ticked", "plan_milestone", milestone.id, actor_id=actor_id)
    db.session.commit()
    return milestone


def untick(milestone_id: int, *, actor_id: int) -> PlanMilestone:
    _, milestone = _milestone_for(milestone_id, actor_id, engineer_only=True)
    if not milestone.done:
        raise ServiceError(None, "This milestone is not done yet.")
    milestone.done_at = milestone.done_by = None
    milestone.done_note, milestone.done_link = "", ""
    milestone.notes.append(MilestoneNote(author_id=actor_id, action=NoteAction.UNTICKED, text="Marked as not done."))
    record_audit("plan.milestone_unticked", "plan_milestone", milestone.id, actor_id=actor_id)
    db.session.commit()
    return milestone


# --- APM seasons (admins)


def add_season(actor_id: int, *, program: str, opens_on: date | None, closes_on: date | None, link: str) -> ApmSeason:
    errors = {}
    if not program.strip():
        errors["program"] = "Name the program, like “Google APM 2027”."
    elif len(program.strip()) > MAX_PROGRAM:
        errors["program"] = f"Keep the name under {MAX_PROGRAM} characters."
    if opens_on is None:
        errors["opens_on"] = "Enter the date applications open."
    if closes_on is None:
        errors["closes_on"] = "Enter the date applications close."
    elif opens_on is not None and closes_on < opens_on:
        errors["closes_on"] = "Applications must close on or after the day they open."
    if problem := _link_problem(link.strip(), required=False):
        errors["link"] = problem
    if errors:
        raise ServiceError.at_fields(errors)
    season = ApmSeason(
        program=program.strip(), opens_on=opens_on, closes_on=closes_on, link=link.strip(), created_by=actor_id
    )
    db.session.add(season)
    db.session.flush()
    record_audit("plan.season_added", "apm_season", season.id, actor_id=actor_id, program=season.program)
    db.session.commit()
    return season


def remove_season(season_id: int, *, actor_id: int) -> None:
    season = db.session.get(ApmSeason, season_id)
    if season is None:
        raise NotFoundError("season", season_id)
    record_audit("plan.season_removed", "apm_season", season.id, actor_id=actor_id, program=season.program)
    db.session.delete(season)
    db.session.commit()


def milestones_by_phase(plan: Plan) -> list[tuple[plans.Phase, Sequence[PlanMilestone]]]:
    return [(phase, [m for m in plan.milestones if m.phase.key == phase.key]) for phase in plans.PLANNED_PHASES]
