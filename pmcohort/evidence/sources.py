"""Where observations of an engineer's skills and pitfalls come from: one function per source.

A source takes engineer ids and returns what mentors recorded about them, each item carrying the
page that shows it: rubric scores of sessions (in published debriefs, and in session feedback, where
mentors scored before debriefs existed), rubric scores of document reviews, and pitfalls marked in
published debriefs. Another source is a function of the same shape appended to
`OBSERVATION_SOURCES` or `PITFALL_SOURCES`; nothing else changes.
"""

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import literal, select, union_all

from pmcohort.core.errors import ServiceError
from pmcohort.core.extensions import db
from pmcohort.domain.evidence import Observation
from pmcohort.domain.limits import RUBRIC_LEVEL
from pmcohort.domain.statuses import SESSION_KIND_LABELS, DebriefStatus
from pmcohort.domain.vocabulary import PITFALLS, SKILLS
from pmcohort.mentoring import practice_bank
from pmcohort.mentoring.models import MentoringSession, ObservedPitfall, SessionDebrief, SessionFeedback
from pmcohort.writing.models import Document, DocumentReview, WritingKind


@dataclass(frozen=True)
class Link:
    """The page that shows a piece of evidence: an endpoint and its arguments, for url_for."""

    endpoint: str
    args: dict[str, int | str] = field(default_factory=dict)


@dataclass(frozen=True)
class Evidence:
    engineer_id: int
    observation: Observation
    what: str  # what was scored, in words: "Frames the problem before solving it"
    title: str  # where: "Interview practice: Product sense"
    link: Link


@dataclass(frozen=True)
class PitfallEvidence:
    engineer_id: int
    pitfall: str  # a PITFALLS key
    observed_at: datetime
    title: str
    link: Link


ObservationSource = Callable[[Collection[int]], Iterable[Evidence]]
PitfallSource = Callable[[Collection[int]], Iterable[PitfallEvidence]]


def observation(skill: str | None, level: object, observed_at: datetime, source: str, kind: str) -> Observation:
    """An observation, or a ServiceError saying why it is refused (an unknown skill, a score out of range)."""
    if skill not in SKILLS:
        raise ServiceError(None, f"{skill!r} is not a skill of the gap profile ({', '.join(SKILLS)}).")
    if type(level) is not int or level not in RUBRIC_LEVEL:
        raise ServiceError(
            None, f"A score is a whole number from {RUBRIC_LEVEL.low} to {RUBRIC_LEVEL.high}, not {level!r}."
        )
    return Observation(skill, level, observed_at, source, kind)


def pitfall_evidence(engineer_id: int, pitfall: str, observed_at: datetime, title: str, link: Link) -> PitfallEvidence:
    if pitfall not in PITFALLS:
        raise ServiceError(None, f"{pitfall!r} is not a known pitfall ({', '.join(PITFALLS)}).")
    return PitfallEvidence(engineer_id, pitfall, observed_at, title, link)


def _scored_session(engineer_id: int, mentoring_session: MentoringSession, rubric, scores: dict) -> list[Evidence]:
    """One observation per scored rubric dimension of a session; a dimension without a skill evidences none."""
    kind = SESSION_KIND_LABELS[mentoring_session.kind]
    return [
        Evidence(
            engineer_id=engineer_id,
            observation=observation(
                dimension.skill,
                scores[dimension.key],
                mentoring_session.start_at,
                f"session:{mentoring_session.id}",
                kind,
            ),
            what=dimension.label,
            title=f"{kind}: {rubric.title}",
            link=Link("sessions.detail", {"session_id": mentoring_session.id}),
        )
        for dimension in rubric.dimensions
        if dimension.skill is not None and scores.get(dimension.key) is not None
    ]


def session_rubric_scores(engineer_ids: Collection[int]) -> list[Evidence]:
    """Rubric scores mentors gave for sessions: in published debriefs (a draft is still the mentor's) and
    in session feedback, where mentors scored before debriefs held them. Both in one statement, and their
    rubrics in one more."""
    ids = list(engineer_ids)
    in_feedback = select(
        SessionFeedback.subject_id.label("engineer_id"),
        SessionFeedback.session_id,
        SessionFeedback.rubric_key,
        SessionFeedback.rubric_scores.label("scores"),
        literal(0).label("from_debrief"),
        SessionFeedback.id.label("row_id"),
    ).where(SessionFeedback.subject_id.in_(ids), SessionFeedback.rubric_key.is_not(None))
    in_debriefs = select(
        SessionDebrief.engineer_id,
        SessionDebrief.session_id,
        SessionDebrief.rubric_key,
        SessionDebrief.scores,
        literal(1),
        SessionDebrief.session_id,
    ).where(
        SessionDebrief.engineer_id.in_(ids),
        SessionDebrief.status == DebriefStatus.PUBLISHED,
        SessionDebrief.rubric_key.is_not(None),
    )
    scored = union_all(in_feedback, in_debriefs).subquery("scored")
    rows = db.session.execute(
        select(scored.c.engineer_id, scored.c.rubric_key, scored.c.scores, MentoringSession)
        .join(MentoringSession, MentoringSession.id == scored.c.session_id)
        .order_by(MentoringSession.start_at, scored.c.from_debrief, scored.c.row_id)
    ).all()
    rubrics = practice_bank.rubrics({rubric_key for _, rubric_key, _, _ in rows}) if rows else {}
    return [
        evidence
        for engineer_id, rubric_key, scores, mentoring_session in rows
        if rubric_key in rubrics
        for evidence in _scored_session(engineer_id, mentoring_session, rubrics[rubric_key], scores)
    ]


def document_review_scores(engineer_ids: Collection[int]) -> list[Evidence]:
    """Every submitted review of the engineers' documents, first and blind second reviews alike."""
    rows = db.session.execute(
        select(DocumentReview, Document, WritingKind)
        .join(Document, Document.id == DocumentReview.document_id)
        .join(WritingKind, WritingKind.key == Document.kind_key)
        .where(Document.author_id.in_(list(engineer_ids)), DocumentReview.submitted_at.is_not(None))
        .order_by(DocumentReview.submitted_at)
    ).all()
    found = []
    for review, document, kind in rows:
        for dimension in kind.scoring_rubric().dimensions:
            level = review.scores.get(dimension.key)
            if level is None:
                continue
            found.append(
                Evidence(
                    engineer_id=document.author_id,
                    observation=observation(
                        dimension.skill, level, review.submitted_at, f"document:{document.id}", "Written work"
                    ),
                    what=dimension.label,
                    title=f"Written work: {kind.title}, “{document.title}”",
                    link=Link("writing.document", {"document_id": document.id}),
                )
            )
    return found


def debrief_pitfalls(engineer_ids: Collection[int]) -> list[PitfallEvidence]:
    """Pitfalls mentors marked in published debriefs."""
    rows = db.session.execute(
        select(ObservedPitfall, MentoringSession)
        .join(SessionDebrief, SessionDebrief.session_id == ObservedPitfall.session_id)
        .join(MentoringSession, MentoringSession.id == ObservedPitfall.session_id)
        .where(ObservedPitfall.engineer_id.in_(list(engineer_ids)), SessionDebrief.status == DebriefStatus.PUBLISHED)
        .order_by(MentoringSession.start_at)
    ).all()
    return [
        pitfall_evidence(
            seen.engineer_id,
            seen.pitfall,
            mentoring_session.start_at,
            f"{SESSION_KIND_LABELS[mentoring_session.kind]}: {mentoring_session.title}",
            Link("sessions.detail", {"session_id": mentoring_session.id}),
        )
        for seen, mentoring_session in rows
    ]


OBSERVATION_SOURCES: list[ObservationSource] = [session_rubric_scores, document_review_scores]
PITFALL_SOURCES: list[PitfallSource] = [debrief_pitfalls]
