"""The product's fixed vocabulary, taken from the engineering-to-PM guide.

Keys are stored in the database; labels are what people read.
"""

SKILLS = {
    "discovery": "Customer discovery",
    "prioritization": "Prioritization",
    "influence": "Influence without authority",
    "writing": "Writing for non-technical readers",
    "interviewing": "PM interviewing",
}

PATHS = {
    "internal_transfer": "Internal transfer",
    "apm_program": "APM program",
    "external_hire": "External hire",
}

DOMAINS = {
    "infrastructure": "Infrastructure",
    "developer_tools": "Developer tools",
    "ml_platforms": "ML platforms",
    "fintech": "Fintech",
    "other": "Other",
}

PITFALLS = {
    "solutioning_early": "Solutioning too early",
    "still_the_engineer": "Still being the engineer",
    "undervaluing_soft_deliverables": "Undervaluing soft deliverables",
    "skipping_soft_skills": "Skipping the soft-skill work",
}

# The kinds of mock interview are data (rubrics with an interview label): see domain/practice.py.

# The level an engineer is aiming for, which a debrief's overall signal is read against.
TARGET_LEVELS = {
    "apm": "APM",
    "pm": "PM",
    "senior_pm": "Senior PM",
}

# A debrief's overall signal at the engineer's target level, as hiring committees put it.
OVERALL_SIGNALS = {
    "not_yet": "Not yet",
    "borderline": "Borderline",
    "ready": "Ready",
}

# Which skills matter most on each path, first to last: it breaks ties between equal gaps.
# An internal transfer is won through relationships and context; an APM or external move
# through the interview loop first.
SKILL_PRIORITY_BY_PATH = {
    "internal_transfer": ("influence", "discovery", "prioritization", "writing", "interviewing"),
    "apm_program": ("interviewing", "discovery", "prioritization", "writing", "influence"),
    "external_hire": ("interviewing", "discovery", "prioritization", "influence", "writing"),
}

# Flags on how someone works with others, beside the guide's pitfalls: raised by one answer that
# would cost a PM the team's trust.
TRUST_FLAGS = {
    "reordered_quietly": "Reordering work without saying so",
}

# Each path as a move, for sentences: "the usual 3-6 months for an internal transfer".
PATH_AS_MOVE = {
    "internal_transfer": "an internal transfer",
    "apm_program": "an APM program",
    "external_hire": "an external move",
}
