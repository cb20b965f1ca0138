"""Password hashing with Argon2id (argon2-cffi, the algorithm OWASP recommends first).

Parameters are OWASP's (Password Storage Cheat Sheet): 19 MiB of memory, 2 passes, one lane.
argon2-cffi's own defaults (64 MiB, 3 passes, 4 lanes) cost seconds per sign-in on a loaded
two-core server (``benchmarks/bench_team.py``). The hash string carries its own parameters,
so a hash made with other parameters still verifies and is replaced at the next sign-in
(:func:`needs_rehash`).
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = ["MIN_LENGTH", "hash_password", "needs_rehash", "verify_password"]

#: Shortest password accepted (ANSSI's guidance for passwords alone is 12 characters or more).
MIN_LENGTH = 12
#: Longest password accepted (hashing a megabyte per attempt would be a denial of service).
MAX_LENGTH = 256


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)


@cache
def _decoy() -> str:
    """A hash checked when the name is unknown, so that both cases take the same time."""
    return _hasher().hash("decoy password, never anyone's")


def hash_password(password: str) -> str:
    """The Argon2id hash of ``password`` (salted, parameters included)."""
    return _hasher().hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored`` (``None``: an unknown name, checked anyway)."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher().verify(stored or _decoy(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether ``stored`` was made with other parameters than today's."""
    return _hasher().check_needs_rehash(stored)
