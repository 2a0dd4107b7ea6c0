"""`backrub account password NAME` and `backrub account remove NAME`: a new password ends every login;
removing an account ends its logins and shares, and is refused while it owns health records."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from backrub.records.accounts import account_for, authenticate, start_login
from backrub.records.cli import main
from backrub.records.db import open_database
from backrub.records.models import AccountRow, ShareRow
from backrub.records.recipients import Viewer, create_recipient, share_recipient


def test_password_and_remove(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'accounts.db'}"
    monkeypatch.setenv("BACKRUB_DATABASE_URL", url)
    for name in ("ann.carer", "bo.carer"):
        monkeypatch.setenv("BACKRUB_PASSWORD", "first password")
        assert main(["account", "add", name]) == 0
    db = open_database(url)
    try:
        with db.session() as s:
            ann = authenticate(s, "ann.carer", "first password")
            bo = authenticate(s, "bo.carer", "first password")
            assert ann and bo
            token = start_login(s, bo)
            rid = create_recipient(s, Viewer(account_id=ann.id), {"name": "Dad"}).id
            share_recipient(s, Viewer(account_id=ann.id), rid, "bo.carer")
        monkeypatch.setenv("BACKRUB_PASSWORD", "second password")
        assert main(["account", "password", "bo.carer"]) == 0
        assert "1 logins ended" in capsys.readouterr().out
        with db.session() as s:
            assert account_for(s, token) is None
            assert authenticate(s, "bo.carer", "first password") is None
            assert authenticate(s, "bo.carer", "second password") is not None
        monkeypatch.setenv("BACKRUB_PASSWORD", "short")
        assert main(["account", "password", "bo.carer"]) == 2
        assert capsys.readouterr().err.startswith("password: expected at least")
        assert main(["account", "remove", "ann.carer"]) == 2  # owns a recipient
        assert "owns 1 recipients and sessions" in capsys.readouterr().err
        assert main(["account", "remove", "bo.carer"]) == 0
        assert main(["account", "remove", "nobody"]) == 2
        with db.session() as s:
            assert s.scalar(select(func.count()).select_from(ShareRow)) == 0
            assert list(s.scalars(select(AccountRow.username))) == ["ann.carer"]
    finally:
        db.close()
