"""Accounts for a coach served beyond this computer: argon2 password hashes, login tokens, CSRF tokens.

The browser holds a random token in a secure, HTTP-only cookie; the database keeps only its SHA-256.
The CSRF token is an HMAC of the login token, so a page from another site can send the cookie but
never knows the matching token.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from backrub.errors import InputError, Problem, Problems
from backrub.records.errors import Conflict
from backrub.records.models import AccountRow, LoginRow, aware, utcnow

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
USERNAME_FORM = ("expected 3 to 64 lower-case letters, digits, '.', '_' or '-', "
                 "starting with a letter or digit")
PASSWORD_MIN = 10
LOGIN_DAYS = 14
COOKIE = "backrub_login"
CSRF_HEADER = "X-CSRF-Token"
_hasher = PasswordHasher()
_DUMMY = _hasher.hash("not a password anyone has")


@dataclass(frozen=True, slots=True, kw_only=True)
class Account:
    id: int
    username: str


def needs_accounts(host: str) -> bool:
    """True when the coach listens beyond loopback (then everyone must sign in)."""
    if host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return True  # a host name: it may be reached from elsewhere


def check_new_account(username: object, password: object) -> tuple[str, str]:
    problems = Problems()
    if not isinstance(username, str) or not USERNAME.match(username):
        problems.add("username", USERNAME_FORM)
    if not isinstance(password, str) or len(password) < PASSWORD_MIN:
        problems.add("password", f"expected at least {PASSWORD_MIN} characters")
    elif len(password) > 1024:
        problems.add("password", "expected at most 1024 characters")
    problems.raise_if_any()
    assert isinstance(username, str) and isinstance(password, str)
    return username, password


def create_account(db: Session, username: object, password: object) -> Account:
    name, secret = check_new_account(username, password)
    if db.scalar(select(AccountRow.id).where(AccountRow.username == name)) is not None:
        raise Conflict(f"the username {name!r} is taken")
    row = AccountRow(username=name, password_hash=_hasher.hash(secret))
    db.add(row)
    db.flush()
    from backrub.records.recipients import claim_pending_shares  # recipients imports this module first

    claim_pending_shares(db, row.id, row.username)
    return Account(id=row.id, username=row.username)


def change_password(db: Session, username: str, password: object) -> int:
    """Set a new password; every login of the account ends. The number of logins ended."""
    row = _named(db, username)
    _, secret = check_new_account(row.username, password)
    row.password_hash = _hasher.hash(secret)
    logins = list(db.scalars(select(LoginRow.token_hash).where(LoginRow.account_id == row.id)))
    db.execute(delete(LoginRow).where(LoginRow.account_id == row.id))
    db.flush()
    return len(logins)


def remove_account(db: Session, username: str) -> None:
    """Remove an account with its logins and the shares made to it. Refused (Conflict) while it owns
    recipients or sessions: those are health records, moved or exported first, never lost this way."""
    from sqlalchemy import func

    from backrub.records.models import RecipientRow, SessionRow, ShareRow, SkinCheckRow

    row = _named(db, username)
    owned = sum(int(db.scalar(select(func.count()).select_from(t).where(t.owner_id == row.id)) or 0)
                for t in (RecipientRow, SessionRow))
    if owned:
        raise Conflict(f"{row.username} owns {owned} recipients and sessions; export them "
                       f"(backrub export --account {row.username}) and remove them first")
    db.execute(delete(LoginRow).where(LoginRow.account_id == row.id))
    db.execute(delete(ShareRow).where(ShareRow.account_id == row.id))
    db.execute(update(SkinCheckRow).where(SkinCheckRow.checked_by == row.id).values(checked_by=None))
    db.delete(row)
    db.flush()


def _named(db: Session, username: str) -> AccountRow:
    row = db.scalar(select(AccountRow).where(AccountRow.username == username.strip().lower()))
    if row is None:
        raise InputError([Problem(path="USERNAME", message=f"no account named {username!r}")])
    return row


def authenticate(db: Session, username: str, password: str) -> Account | None:
    """The account when the password matches; None otherwise (as slow either way). Reads only."""
    row = db.scalar(select(AccountRow).where(AccountRow.username == username))
    try:
        _hasher.verify(row.password_hash if row else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    return Account(id=row.id, username=row.username)


def refresh_hash(db: Session, account: Account, password: str) -> None:
    """Hash a right password again when its hash has older argon2 settings (a write: call it in the
    unit of work that signs in, after `authenticate`)."""
    row = db.get(AccountRow, account.id)
    if row is not None and _hasher.check_needs_rehash(row.password_hash):
        row.password_hash = _hasher.hash(password)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_login(db: Session, account: Account, now: datetime | None = None) -> str:
    """A new login token for the cookie (only its hash is stored)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    db.add(
        LoginRow(
            token_hash=_digest(token),
            account_id=account.id,
            created_at=now,
            expires_at=now + timedelta(days=LOGIN_DAYS),
        )
    )
    db.execute(delete(LoginRow).where(LoginRow.expires_at < now))
    db.flush()
    return token


def account_for(db: Session, token: str | None, now: datetime | None = None) -> Account | None:
    """Who holds this login token, if it is current."""
    if not token:
        return None
    row = db.get(LoginRow, _digest(token))
    if row is None or aware(row.expires_at) < (now or utcnow()):
        return None
    account = db.get(AccountRow, row.account_id)
    return None if account is None else Account(id=account.id, username=account.username)


def end_login(db: Session, token: str | None) -> None:
    if token:
        db.execute(delete(LoginRow).where(LoginRow.token_hash == _digest(token)))


def csrf_token(login_token: str, secret: bytes) -> str:
    """The CSRF token that goes with a login: an HMAC of it under the app's secret."""
    return hmac.new(secret, login_token.encode(), hashlib.sha256).hexdigest()


def csrf_ok(login_token: str | None, given: str | None, secret: bytes) -> bool:
    if not login_token or not given:
        return False
    return hmac.compare_digest(csrf_token(login_token, secret), given)


def login_problem() -> InputError:
    return InputError([Problem(path="password", message="the username or password is wrong")])
