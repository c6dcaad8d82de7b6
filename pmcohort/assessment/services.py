"""Taking the readiness assessment: drafts page by page, completion, history, re-scoring."""

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from pmcohort.core.errors import ServiceError
from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow
from pmcohort.domain import readiness as assessment
from pmcohort.evidence.services import latest_attempt
from pmcohort.mentorships import rematch
from pmcohort.ops.models import record_audit
from pmcohort.plans import services as plans
from pmcohort.profiles.models import AssessmentAttempt, AssessmentDraft, EngineerProfile

RETAKE_INTERVAL = timedelta(days=1)


def history(user_id: int) -> list[AssessmentAttempt]:
    return list(
        db.session.scalars(
            select(AssessmentAttempt)
            .where(AssessmentAttempt.user_id == user_id)
            .order_by(AssessmentAttempt.completed_at, AssessmentAttempt.id)
        )
    )


def _retake_allowed_at(latest: AssessmentAttempt | None, now: datetime | None = None) -> datetime | None:
    if latest is None:
        return None
    allowed = latest.completed_at + RETAKE_INTERVAL
    return allowed if allowed > (now or utcnow()) else None


def previous_attempt(attempt: AssessmentAttempt) -> AssessmentAttempt | None:
    """The same engineer's attempt before this one."""
    return db.session.scalar(
        select(AssessmentAttempt)
        .where(
            AssessmentAttempt.user_id == attempt.user_id,
            (AssessmentAttempt.completed_at < attempt.completed_at)
            | ((AssessmentAttempt.completed_at == attempt.completed_at) & (AssessmentAttempt.id < attempt.id)),
        )
        .order_by(AssessmentAttempt.completed_at.desc(), AssessmentAttempt.id.desc())
        .limit(1)
    )


def attempt_seed(user_id: int) -> str:
    """Names the attempt in progress, so its scenario options keep one shuffled order until it is completed."""
    done = db.session.scalar(
        select(func.count()).select_from(AssessmentAttempt).where(AssessmentAttempt.user_id == user_id)
    )
    return f"{user_id}:{done}"


def next_attempt_allowed_at(user_id: int, now: datetime | None = None) -> datetime | None:
    """None when the engineer may take the assessment now."""
    return _retake_allowed_at(latest_attempt(user_id), now)


def _answers_so_far(user_id: int, draft: AssessmentDraft | None, latest: AssessmentAttempt | None) -> dict[str, object]:
    answers = dict(draft.answers) if draft is not None else dict(latest.answers) if latest else {}
    rules = assessment.CURRENT.rules
    if rules.path_question and not {rules.path_question, rules.years_question} <= answers.keys():
        profile = db.session.get(EngineerProfile, user_id)
        if profile is not None:
            answers.setdefault(rules.path_question, profile.path)
            answers.setdefault(rules.years_question, profile.years_experience)
    return answers


def draft_answers(user_id: int) -> dict[str, object]:
    """The answers so far: the saved draft, else the last attempt's answers to start a retake from; the path and
    years come from the engineer's profile where the answers lack them."""
    draft = db.session.get(AssessmentDraft, user_id)
    return _answers_so_far(user_id, draft, None if draft is not None else latest_attempt(user_id))


def start_from_answers(user_id: int, answers: Mapping[str, object]) -> int:
    """Put answers given elsewhere (the quick check) into the engineer's draft, where it has none of its own;
    returns how many were carried. Only answers the current version would accept are kept."""
    valid = assessment.readable_answers(answers)
    if not valid:
        return 0
    draft = db.session.get(AssessmentDraft, user_id)
    if draft is None:
        draft = AssessmentDraft(user_id=user_id, answers={})
        db.session.add(draft)
    draft.answers = valid | dict(draft.answers)
    db.session.commit()
    return len(valid)


@dataclass(frozen=True)
class Overview:
    answers: dict[str, object]
    latest: AssessmentAttempt | None
    allowed_from: datetime | None  # None when a new attempt may start now


def overview(user_id: int, now: datetime | None = None) -> Overview:
    """What the assessment's start page shows, with the latest attempt looked up once."""
    latest = latest_attempt(user_id)
    answers = _answers_so_far(user_id, db.session.get(AssessmentDraft, user_id), latest)
    return Overview(answers, latest, _retake_allowed_at(latest, now))


def save_page(user_id: int, page_number: int, form: Mapping[str, str]) -> None:
    """Validate one page and keep its answers in the draft; nothing is saved if a question is unanswered."""
    page = assessment.PAGES[page_number]
    typed = {
        key: value for key, value in assessment.coerce_answers(form).items() if key in {q.key for q in page.questions}
    }
    errors = assessment.validate(typed, page.questions)
    if errors:
        count = f"{len(errors)} question{'' if len(errors) == 1 else 's'} still need{'s' if len(errors) == 1 else ''}"
        raise ServiceError(None, f"{count} an answer. Your other answers are kept.", errors=errors)
    draft = db.session.get(AssessmentDraft, user_id)
    if draft is None:
        draft = AssessmentDraft(user_id=user_id, answers=draft_answers(user_id))
        db.session.add(draft)
    answers = {key: value for key, value in draft.answers.items() if key not in {q.key for q in page.questions}}
    answers.update(typed)
    draft.answers = answers  # a new dict, so the JSON column sees the change
    db.session.commit()


def first_incomplete_page(answers: Mapping[str, object]) -> int | None:
    for number, page in enumerate(assessment.PAGES):
        if assessment.validate(answers, page.questions):
            return number
    return None


def complete(user_id: int) -> AssessmentAttempt:
    allowed_from = next_attempt_allowed_at(user_id)
    if allowed_from is not None:
        raise ServiceError(None, "You took the assessment less than a day ago; you can retake it once a day.")
    draft = db.session.get(AssessmentDraft, user_id)
    answers = dict(draft.answers) if draft else {}
    errors = assessment.validate(answers)
    if errors:
        raise ServiceError(next(iter(errors)), "Some questions still need an answer.")
    attempt = attempt_from(user_id, answers, assessment.score(answers))
    db.session.add(attempt)
    db.session.delete(draft)
    db.session.flush()
    rematch.after_profile_change(user_id)  # the effective profile now starts from this self-report
    record_audit(
        "assessment.completed", "assessment_attempt", attempt.id, actor_id=user_id, readiness=attempt.readiness
    )
    plans.record_evidence(user_id, plans.EvidenceKind.ASSESSMENT_RETAKEN, ref=f"attempt:{attempt.id}")
    db.session.commit()
    return attempt


def attempt_from(user_id: int, answers: Mapping[str, object], result: assessment.AssessmentResult) -> AssessmentAttempt:
    return AssessmentAttempt(
        user_id=user_id,
        scoring_version=result.version,
        answers=dict(answers),
        readiness=result.readiness,
        skill_scores=dict(result.skill_scores),
        top_gaps=[asdict(gap) for gap in result.top_gaps],
        pitfalls=[asdict(flag) for flag in result.pitfalls],
    )


@dataclass(frozen=True)
class VersionSummary:
    """Stored results of one scoring version, and what every released version makes of their answers."""

    version: int
    results: int
    mean_readiness: dict[int, int]  # scoring version -> mean readiness of these results' answers under it


def summarize_versions() -> list[VersionSummary]:
    """Per stored scoring version: how many results, and their mean readiness under each released version."""
    by_version: dict[int, list[AssessmentAttempt]] = {}
    for attempt in db.session.scalars(select(AssessmentAttempt).order_by(AssessmentAttempt.id)):
        by_version.setdefault(attempt.scoring_version, []).append(attempt)
    summaries = []
    for stored, attempts in sorted(by_version.items()):
        means = {}
        for version in assessment.VERSIONS:
            scores = [
                assessment.score(assessment.readable_answers(a.answers, version), version).readiness for a in attempts
            ]
            means[version] = round(sum(scores) / len(scores))
        summaries.append(VersionSummary(stored, len(attempts), means))
    return summaries


def rescore_all(version: int | None = None) -> int:
    """Re-score every stored attempt's raw answers, each with its own scoring version, or all with `version`
    (answers that version cannot read earn nothing); returns how many changed."""
    if version is not None and version not in assessment.VERSIONS:
        raise ValueError(f"Unknown scoring version {version!r}; known versions: {sorted(assessment.VERSIONS)}")
    changed = 0
    for attempt in db.session.scalars(select(AssessmentAttempt)):
        use = version or attempt.scoring_version
        fresh = attempt_from(
            attempt.user_id, attempt.answers, assessment.score(assessment.readable_answers(attempt.answers, use), use)
        )
        if (fresh.scoring_version, fresh.readiness, fresh.skill_scores) != (
            attempt.scoring_version,
            attempt.readiness,
            attempt.skill_scores,
        ):
            changed += 1
        for column in ("scoring_version", "readiness", "skill_scores", "top_gaps", "pitfalls"):
            setattr(attempt, column, getattr(fresh, column))
    record_audit("assessment.rescored", "assessment_attempt", None, version=version, changed=changed)
    db.session.commit()
    return changed
