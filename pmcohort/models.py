"""Every model, imported here so Alembic and the app see the whole schema."""

from pmcohort.accounts.models import User, UserRole, find_user_by_email
from pmcohort.cohorts.models import Cohort, CohortLead, CohortMember, Match, MatchingRun, PairRule
from pmcohort.cohorts.models import Announcement, CohortDeparture, CohortInvitation, RosterImport
from pmcohort.mentoring.models import (
    CalendarFeed,
    MentoringSession,
    PracticeItem,
    SessionFeedback,
    SessionParticipant,
    ShadowingObservation,
    new_feed_token,
)
from pmcohort.notifications.models import (
    NOTIFICATION_CATEGORIES,
    SECURITY_CATEGORY,
    DueReminder,
    EmailDelivery,
    Notification,
    NotificationPreference,
    OutboxMessage,
    UnsubscribeUse,
)
from pmcohort.ops.models import AuditEvent, WorkerHeartbeat, record_audit
from pmcohort.profiles.models import (
    AssessmentAttempt,
    AssessmentDraft,
    AvailabilityWindow,
    AwayPeriod,
    EngineerProfile,
    MentorProfile,
    MentorStrength,
)

__all__ = [
    "NOTIFICATION_CATEGORIES",
    "SECURITY_CATEGORY",
    "DueReminder",
    "NotificationPreference",
    "UnsubscribeUse",
    "CalendarFeed",
    "MentoringSession",
    "PracticeItem",
    "SessionFeedback",
    "SessionParticipant",
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
    "Announcement",
    "CohortDeparture",
    "CohortInvitation",
    "RosterImport",
]
