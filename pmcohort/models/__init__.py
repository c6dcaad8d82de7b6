"""Every model, imported here so Alembic and the app see the whole schema."""

from pmcohort.models.cohort import (
    MATCH_OPEN,
    RUN_IN_PROGRESS,
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
    load_availability,
)
from pmcohort.models.sessions import (
    SESSION_KINDS,
    CalendarFeed,
    MentoringSession,
    PracticeItem,
    SessionFeedback,
    SessionParticipant,
    SessionReminder,
    ShadowingObservation,
)
from pmcohort.models.user import ROLES, SELF_SERVICE_ROLES, User, UserRole, find_user_by_email

__all__ = [
    "SESSION_KINDS",
    "CalendarFeed",
    "MentoringSession",
    "PracticeItem",
    "SessionFeedback",
    "SessionParticipant",
    "SessionReminder",
    "ShadowingObservation",
    "MATCH_OPEN",
    "RUN_IN_PROGRESS",
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
    "load_availability",
    "ROLES",
    "SELF_SERVICE_ROLES",
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
