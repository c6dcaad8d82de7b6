"""Argon2id password hashing with OWASP's baseline parameters.

argon2-cffi's defaults (RFC 9106's low-memory profile: 64 MiB, t=3, p=4) cost several times
more CPU per sign-in; with 200 people signing in at once on two cores, that queued sign-ins for
seconds. Hashes made with other parameters still verify, and are upgraded at the next sign-in
(`needs_rehash`). `make bench` measures both (benchmarks/bench_passwords.py).
"""

from argon2 import Parameters, PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

# OWASP Password Storage Cheat Sheet, "Argon2id": "a minimum configuration of 19 MiB of memory,
# an iteration count of 2, and 1 degree of parallelism".
# https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#argon2id
OWASP_ARGON2ID = Parameters(
    type=Type.ID, version=19, salt_len=16, hash_len=32, memory_cost=19 * 1024, time_cost=2, parallelism=1
)

_hasher = PasswordHasher.from_parameters(OWASP_ARGON2ID)

MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
