"""Every model, imported here so Alembic and the app see the whole schema."""

from pmcohort.models.cohort import (
    Cohort,
    CohortLead,
    CohortMember,
    Match,
    MatchingRun,
    PairRule,
)
from pmcohort.models.ops import AuditEvent, WorkerHeartbeat, record_audit
from pmcohort.models.outbox import EmailDelivery, Notification, OutboxMessage
from pmcohort.models.profile import (
    AssessmentAttempt,
    AssessmentDraft,
    AvailabilityWindow,
    AwayPeriod,
    EngineerProfile,
    MentorProfile,
    MentorStrength,
)
from pmcohort.models.sessions import (
    CalendarFeed,
    MentoringSession,
    PracticeItem,
    SessionFeedback,
    SessionParticipant,
    SessionReminder,
    ShadowingObservation,
    new_feed_token,
)
from pmcohort.models.user import User, UserRole, find_user_by_email

__all__ = [
    "CalendarFeed",
    "MentoringSession",
    "PracticeItem",
    "SessionFeedback",
    "SessionParticipant",
    "SessionReminder",
    "ShadowingObservation",
    "new_feed_token",
    "Cohort",
    "CohortLead",
    "CohortMember",
    "Match",
    "MatchingRun",
    "PairRule",
    "AssessmentAttempt",
    "AssessmentDraft",
    "AvailabilityWindow",
    "AwayPeriod",
    "EngineerProfile",
    "MentorProfile",
    "MentorStrength",
    "AuditEvent",
    "EmailDelivery",
    "Notification",
    "OutboxMessage",
    "User",
    "UserRole",
    "WorkerHeartbeat",
    "find_user_by_email",
    "record_audit",
]
