"""The key that encrypts ``pii`` answers: a file kept outside the database.

The key is a Fernet key (AES-128-CBC with HMAC-SHA256, from ``cryptography``) written as one
line of URL-safe base64 in a file readable by its owner only. Whoever has the database
without the key file sees no personal data; whoever loses the key file loses the personal
data (never the analysis data): keep a copy of it apart from the database backups.

Where the key is: the ``key_file`` given to :func:`toolkit.store.connect`, else
``TOOLKIT_PII_KEY_FILE``, else ``data/pii.key`` under the working directory (beside the
default SQLite database; ``make run`` and ``toolkit demo`` create it there).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from toolkit.errors import Problem, StoreError

__all__ = [
    "DEFAULT_KEY_PATH",
    "KEY_ENV_VAR",
    "PiiKey",
    "create_key",
    "fingerprint",
    "fsync_folder",
    "resolve_key_path",
    "write_private",
]

#: Environment variable naming the key file.
KEY_ENV_VAR = "TOOLKIT_PII_KEY_FILE"
#: Where the key file is by default, relative to the working directory.
DEFAULT_KEY_PATH = Path("data") / "pii.key"


def resolve_key_path(path: str | os.PathLike[str] | None = None) -> Path:
    """``path``, else ``TOOLKIT_PII_KEY_FILE``, else ``data/pii.key``."""
    if path is not None:
        return Path(path)
    return Path(os.environ.get(KEY_ENV_VAR) or DEFAULT_KEY_PATH)


def fingerprint(raw: bytes) -> str:
    """The ``key_id`` stored beside each token: 16 hex digits of SHA-256 of the key's line."""
    return hashlib.sha256(raw.strip()).hexdigest()[:16]


def create_key(path: str | os.PathLike[str] | None = None) -> tuple[Path, bool]:
    """Create a new key file at ``path`` (resolved as above) unless one is there already.

    The file is created readable by its owner only (mode 600) and never overwritten: a key
    replaced by another one would make every stored ``pii`` answer unreadable.

    Returns
    -------
    (Path, bool)
        The key file and whether it was created now.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> create_key(folder / "pii.key")[1], create_key(folder / "pii.key")[1]
    (True, False)
    >>> oct((folder / "pii.key").stat().st_mode & 0o777)
    '0o600'
    """
    target = resolve_key_path(path)
    if target.exists():
        return target, False
    target.parent.mkdir(parents=True, exist_ok=True)
    return target, write_private(target, Fernet.generate_key() + b"\n")


def write_private(path: Path, raw: bytes) -> bool:
    """Create ``path`` holding ``raw``, readable by its owner only (mode 600), and make it
    durable (the file and its folder fsynced); ``False``, and nothing written, when the file
    exists already: a key file is never overwritten."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(raw)
        handle.flush()
        os.fsync(handle.fileno())
    fsync_folder(path.parent)
    return True


def fsync_folder(folder: Path) -> None:
    """Make the files created or renamed in ``folder`` durable (skipped where a folder
    cannot be opened, as on Windows)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class PiiKey:
    """Encrypts and decrypts the ``pii`` answers of responses; the file is read when first needed.

    A store whose instruments have no ``pii`` field never reads it, so a key is needed only
    where personal data is collected. It reads the tokens of its own key only; a token of
    another key is refused with ``P005`` naming the file beside this one that holds that key
    (a ``pii.key.<date-time>.old`` kept by :func:`toolkit.store.rotation.rotate_key`, needed
    for backups made before the key was changed), else ``P003``.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = resolve_key_path(path)
        self._fernet: Fernet | None = None
        self._key_id: str | None = None

    def __repr__(self) -> str:
        return f"PiiKey({str(self.path)!r})"

    @property
    def key_id(self) -> str:
        """A fingerprint of the key (not the key), stored beside each token."""
        self._load()
        return self._key_id  # type: ignore[return-value]

    def encrypt(self, values: dict) -> str:
        """The Fernet token of ``values`` (a JSON-serialisable dict)."""
        text = json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return self._load().encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str, key_id: str | None = None) -> dict:
        """The dict encrypted in ``token``.

        Raises
        ------
        StoreError
            ``P003`` when the token was made with another key (or altered).
        """
        fernet = self._load()
        if key_id is not None and key_id != self._key_id:
            raise StoreError(problems=[self._other_key_problem(key_id)])
        try:
            return json.loads(fernet.decrypt(token.encode("ascii")))
        except (InvalidToken, UnicodeEncodeError):  # altered: not even base64 text any more
            raise StoreError(problems=[self._problem("P003")]) from None

    def _load(self) -> Fernet:
        if self._fernet is not None:
            return self._fernet
        try:
            raw = self.path.read_bytes().strip()
        except FileNotFoundError:
            raise StoreError(problems=[self._problem("P001")]) from None
        except OSError as error:
            raise StoreError(
                problems=[Problem("P002", {"path": str(self.path), "detail": str(error)})]
            ) from None
        try:
            fernet = Fernet(raw)
        except ValueError:
            raise StoreError(
                problems=[Problem("P002", {"path": str(self.path), "detail": "Fernet"})]
            ) from None
        self._key_id = fingerprint(raw)
        self._fernet = fernet
        return fernet

    def reload(self) -> None:
        """Forget the key read so far: the next use reads the file again (after a rotation)."""
        self._fernet = None
        self._key_id = None

    def _other_key_problem(self, key_id: str) -> Problem:
        """``P005`` naming the kept key file of ``key_id`` beside this one, else ``P003``."""
        for candidate in sorted(self.path.parent.glob(self.path.name + ".*")):
            try:
                if candidate.is_file() and fingerprint(candidate.read_bytes()) == key_id:
                    return Problem(
                        "P005",
                        {"path": str(self.path), "found": str(candidate), "env": KEY_ENV_VAR},
                    )
            except OSError:
                continue
        return self._problem("P003")

    def _problem(self, code: str) -> Problem:
        return Problem(code, {"path": str(self.path), "env": KEY_ENV_VAR})
