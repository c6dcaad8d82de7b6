"""Demo data: a lead, an admin, 10 mentors and 40 engineers with varied profiles.

Deterministic (a fixed seed) and idempotent: running it twice changes nothing.
"""

import random

from pmcohort.extensions import db
from pmcohort.models import find_user_by_email
from pmcohort.services import accounts

DEMO_PASSWORD = "pmcohort-demo"
DEMO_SEED = 20261126
MENTOR_COUNT = 10
ENGINEER_COUNT = 40

TIME_ZONES = [
    "Europe/Berlin", "Europe/London", "America/New_York", "America/Los_Angeles", "America/Chicago",
    "Asia/Kolkata", "Asia/Singapore", "Australia/Sydney", "Pacific/Auckland", "America/Sao_Paulo",
]
FIRST_NAMES = [
    "Ada", "Ben", "Chioma", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi", "Luca",
    "Maya", "Nikhil", "Olga", "Pedro", "Qin", "Rosa", "Sami", "Tara", "Uma", "Victor", "Wen", "Ximena",
    "Yusuf", "Zoe",
]
LAST_NAMES = ["Adeyemi", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Gupta", "Haddad", "Ito", "Jensen", "Kowalski", "Lopez", "Moreau", "Nakamura", "Okafor", "Petrov"]


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _ensure_user(email: str, name: str, time_zone: str, roles: tuple[str, ...]):
    user = find_user_by_email(email)
    if user is None:
        user = accounts.create_user(accounts.NewAccount(email, name, DEMO_PASSWORD, time_zone, roles[0]), roles=roles)
    return user


def seed_demo() -> list[tuple[str, str]]:
    rng = random.Random(DEMO_SEED)
    _ensure_user("admin@demo.example.com", "Avery Admin", "UTC", ("admin",))
    _ensure_user("lead@demo.example.com", "Lena Lead", "Europe/Berlin", ("lead",))
    for number in range(1, MENTOR_COUNT + 1):
        _ensure_user(f"mentor{number}@demo.example.com", _person(rng), rng.choice(TIME_ZONES), ("mentor",))
    for number in range(1, ENGINEER_COUNT + 1):
        _ensure_user(f"engineer{number}@demo.example.com", _person(rng), rng.choice(TIME_ZONES), ("engineer",))
    db.session.commit()
    return [
        ("admin", "admin@demo.example.com"),
        ("lead", "lead@demo.example.com"),
        ("mentor", "mentor1@demo.example.com … mentor10@"),
        ("engineer", "engineer1@demo.example.com … engineer40@"),
    ]
