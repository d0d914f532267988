"""Who may manage Steunwijs: editors, known by a user name and a password.

Asking questions is open to everyone who can reach the app; managing documents, running evals and
reading feedback is for editors. Editors come from the environment (one user and password:
`STEUNWIJS_EDITOR_USER`, `STEUNWIJS_EDITOR_PASSWORD`) or from a file of hashed passwords
(`STEUNWIJS_EDITOR_PASSWORDS_FILE`), one `user:hash` line each, written by
`steunwijs editor add-user NAME`. The hash is the standard library's scrypt with a random salt per
line, so the file gives away no password and two editors with the same password get different
lines; a check compares in constant time.

This lives in the ground layer because both the web app (login) and the CLI (add-user) need it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from steunwijs.errors import ConfigurationError, InputError
from steunwijs.settings import Settings

SCHEME = "scrypt"
# scrypt's cost: n=2**14, r=8 is the standard interactive-login setting (about 16 MiB, ~50 ms)
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SALT_BYTES, KEY_BYTES = 16, 32
USER_NAME = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=KEY_BYTES, maxmem=2**26)


def hash_password(password: str) -> str:
    """`scrypt$n$r$p$salt$key` (base64), with a fresh random salt."""
    salt = secrets.token_bytes(SALT_BYTES)
    key = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"{SCHEME}${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` matches a hash made by `hash_password` (False for a malformed hash)."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        return False
    try:
        n, r, p = (int(x) for x in parts[1:4])
        salt, key = base64.b64decode(parts[4], validate=True), base64.b64decode(parts[5], validate=True)
    except ValueError:
        return False
    return hmac.compare_digest(_scrypt(password, salt, n, r, p), key)


class PasswordsFileError(ConfigurationError):
    """The editors' passwords file cannot be read or has a line that is not `user:hash`."""


class BadUserName(InputError):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"Ongeldige gebruikersnaam {name!r}: gebruik 1 tot 64 letters, cijfers of . _ @ - (geen spaties of dubbele punt).",
            f"Invalid user name {name!r}.",
        )


def read_passwords_file(path: Path) -> dict[str, str]:
    """user -> hash from a passwords file; blank lines and lines starting with # are skipped."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PasswordsFileError(
            f"Het wachtwoordbestand voor redacteurs {path} kan niet gelezen worden: {error.strerror}.",
            f"Cannot read the editors' passwords file {path}: {error}",
        ) from error
    users: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        user, _, stored = line.partition(":")
        if not USER_NAME.match(user) or not stored.startswith(f"{SCHEME}$"):
            raise PasswordsFileError(
                f"Regel {number} van {path} is geen `gebruiker:hash`; maak regels met `steunwijs editor add-user NAAM`.",
                f"Line {number} of {path} is not user:hash.",
            )
        users[user] = stored
    return users


def add_user(path: Path, user: str, password: str) -> bool:
    """Write (or replace) `user`'s line in the passwords file, created with mode 0600; True if it was new."""
    if not USER_NAME.match(user):
        raise BadUserName(user)
    if not password:
        raise InputError("Een leeg wachtwoord kan niet.", "Empty password.")
    users = read_passwords_file(path) if path.exists() else {}
    new = user not in users
    users[user] = hash_password(password)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.write_text("".join(f"{name}:{stored}\n" for name, stored in users.items()), encoding="utf-8")
    return new


@dataclass(frozen=True)
class Editors:
    """The editors configured for one app: from the environment, the passwords file, or both."""

    env_user: str | None
    env_password: str | None
    hashed: dict[str, str]

    @classmethod
    def from_settings(cls, settings: Settings) -> Editors:
        password = settings.editor_password.get_secret_value() if settings.editor_password else None
        if bool(settings.editor_user) != bool(password):
            raise ConfigurationError(
                "Stel STEUNWIJS_EDITOR_USER én STEUNWIJS_EDITOR_PASSWORD in (of geen van beide).",
                "Set both STEUNWIJS_EDITOR_USER and STEUNWIJS_EDITOR_PASSWORD, or neither.",
            )
        hashed = read_passwords_file(settings.editor_passwords_file) if settings.editor_passwords_file else {}
        return cls(settings.editor_user or None, password, hashed)

    @property
    def configured(self) -> bool:
        """Whether any editor is known (without one, the app may only run on this computer)."""
        return bool(self.env_user or self.hashed)

    def verify(self, user: str, password: str) -> bool:
        """Whether `user` / `password` is an editor; every comparison takes constant time."""
        if self.env_user and self.env_password is not None:
            same_user = hmac.compare_digest(user.encode("utf-8"), self.env_user.encode("utf-8"))
            same_password = hmac.compare_digest(password.encode("utf-8"), self.env_password.encode("utf-8"))
            if same_user and same_password:
                return True
        stored = self.hashed.get(user)
        return stored is not None and verify_password(password, stored)
