"""Where observations of an engineer's skills and pitfalls come from: one function per source.

A source takes engineer ids and returns what mentors recorded about them, each item carrying the
page that shows it. Today: rubric scores from mock interviews and role-plays. Document-review
rubric scores and pitfalls marked in coaching debriefs are further sources: write a function of
the same shape and append it to `OBSERVATION_SOURCES` or `PITFALL_SOURCES`; nothing else changes.
"""

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from pmcohort.core.errors import ServiceError
from pmcohort.core.extensions import db
from pmcohort.domain.evidence import Observation
from pmcohort.domain.limits import RUBRIC_LEVEL
from pmcohort.domain.statuses import SESSION_KIND_LABELS
from pmcohort.domain.vocabulary import PITFALLS, SKILLS
from pmcohort.mentoring import practice_bank
from pmcohort.mentoring.models import MentoringSession, SessionFeedback


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


def session_rubric_scores(engineer_ids: Collection[int]) -> list[Evidence]:
    """Every rubric dimension mentors scored in the engineers' sessions.

    A dimension an admin stored without a skill evidences none, so it is left out.
    """
    rows = db.session.execute(
        select(SessionFeedback, MentoringSession)
        .join(MentoringSession, MentoringSession.id == SessionFeedback.session_id)
        .where(SessionFeedback.subject_id.in_(list(engineer_ids)), SessionFeedback.rubric_key.is_not(None))
        .order_by(MentoringSession.start_at, SessionFeedback.id)
    ).all()
    rubrics = practice_bank.rubrics({feedback.rubric_key for feedback, _ in rows})
    found = []
    for feedback, mentoring_session in rows:
        rubric = rubrics.get(feedback.rubric_key)
        if rubric is None:
            continue
        kind = SESSION_KIND_LABELS[mentoring_session.kind]
        for dimension in rubric.dimensions:
            level = feedback.rubric_scores.get(dimension.key)
            if dimension.skill is None or level is None:
                continue
            found.append(
                Evidence(
                    engineer_id=feedback.subject_id,
                    observation=observation(
                        dimension.skill, level, mentoring_session.start_at, f"session:{mentoring_session.id}", kind
                    ),
                    what=dimension.label,
                    title=f"{kind}: {rubric.title}",
                    link=Link("sessions.detail", {"session_id": mentoring_session.id}),
                )
            )
    return found


OBSERVATION_SOURCES: list[ObservationSource] = [session_rubric_scores]
# Pitfalls marked by mentors; the coaching debriefs are the first source to add here.
PITFALL_SOURCES: list[PitfallSource] = []
