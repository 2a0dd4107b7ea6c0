"""Accounts: argon2 hashes, login tokens kept only as hashes, CSRF tokens bound to the login."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from backrub.errors import InputError
from backrub.records.accounts import (
    account_for,
    authenticate,
    create_account,
    csrf_ok,
    csrf_token,
    end_login,
    needs_accounts,
    refresh_hash,
    start_login,
)
from backrub.records.db import Database
from backrub.records.errors import Conflict
from backrub.records.models import AccountRow, LoginRow, utcnow

SECRET = b"s" * 32


def test_password_is_stored_as_an_argon2id_hash(db: Database) -> None:
    with db.session() as s:
        create_account(s, "carer.one", "a long enough password")
        stored = s.scalar(select(AccountRow.password_hash))
    assert stored.startswith("$argon2id$") and "a long enough password" not in stored
    with db.session() as s:
        assert authenticate(s, "carer.one", "a long enough password") is not None
        assert authenticate(s, "carer.one", "a long enough passwore") is None
        assert authenticate(s, "nobody", "a long enough password") is None


def test_a_hash_made_with_older_settings_is_made_again_on_sign_in(db: Database) -> None:
    from argon2 import PasswordHasher

    with db.session() as s:
        account = create_account(s, "carer.two", "a long enough password")
        old = PasswordHasher(time_cost=1, memory_cost=8192).hash("a long enough password")
        s.get(AccountRow, account.id).password_hash = old
    with db.session() as s:
        assert authenticate(s, "carer.two", "a long enough password") == account
        assert s.get(AccountRow, account.id).password_hash == old  # checking a password writes nothing
        refresh_hash(s, account, "a long enough password")
    with db.session() as s:
        fresh = s.get(AccountRow, account.id).password_hash
        assert fresh != old and authenticate(s, "carer.two", "a long enough password") == account


def test_bad_usernames_and_short_passwords_are_named(db: Database) -> None:
    with db.session() as s, pytest.raises(InputError) as err:
        create_account(s, "A", "short")
    assert {p.path for p in err.value.problems} == {"username", "password"}
    with db.session() as s:
        create_account(s, "carer", "a long enough password")
    with db.session() as s, pytest.raises(Conflict):
        create_account(s, "carer", "another long password")


def test_login_tokens_are_kept_hashed_and_expire(db: Database) -> None:
    with db.session() as s:
        account = create_account(s, "carer", "a long enough password")
        token = start_login(s, account)
        assert s.scalar(select(LoginRow.token_hash)) != token
    with db.session() as s:
        assert account_for(s, token) == account
        assert account_for(s, token + "x") is None
        assert account_for(s, token, now=utcnow() + timedelta(days=15)) is None
        end_login(s, token)
    with db.session() as s:
        assert account_for(s, token) is None


def test_csrf_token_belongs_to_one_login() -> None:
    token = csrf_token("login-a", SECRET)
    assert csrf_ok("login-a", token, SECRET)
    assert not csrf_ok("login-b", token, SECRET)
    assert not csrf_ok("login-a", token, b"t" * 32)
    assert not csrf_ok("login-a", None, SECRET) and not csrf_ok(None, token, SECRET)


@pytest.mark.parametrize(
    ("host", "needed"),
    [
        ("127.0.0.1", False),
        ("::1", False),
        ("localhost", False),
        ("0.0.0.0", True),
        ("192.168.1.20", True),
        ("coach.example", True),
    ],
)
def test_accounts_are_needed_beyond_loopback(host: str, needed: bool) -> None:
    assert needs_accounts(host) is needed
