"""`backrub export | import | backup | db | account`: the records from the command line.

Exit codes: 0 done, 2 bad input (one line per problem, naming the field), 4 the database cannot be
reached or used (one line saying which and why; never a traceback).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from backrub.commandline import EXIT_BAD_INPUT, EXIT_DATABASE, EXIT_OK, read_json
from backrub.errors import InputError, Problem, print_problems
from backrub.records.db import Database, DatabaseUnavailable, database_url, open_database, shown
from backrub.records.errors import Conflict, NotFound
from backrub.records.files import write_private
from backrub.records.recipients import Viewer

COMMANDS = ("export", "import", "backup", "db", "account")


def main(argv: list[str]) -> int:
    parser = _parser()
    ns = parser.parse_args(argv)
    try:
        code: int = ns.run(ns)
        return code
    except InputError as err:
        print_problems(err)
        return EXIT_BAD_INPUT
    except (Conflict, NotFound) as err:
        print(f"backrub {ns.command}: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except DatabaseUnavailable as err:
        print(f"backrub {ns.command}: {err}", file=sys.stderr)
        return EXIT_DATABASE
    except BrokenPipeError:
        return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backrub", description="The records: export, import, backup, schema."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("export", help="every record as JSON (round-trips with import) or as CSV files")
    p.add_argument(
        "out",
        metavar="OUT",
        nargs="?",
        default="-",
        help="a .json file, - for standard output, or a folder for --format csv",
    )
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.add_argument("--account", metavar="NAME", help="only what this account may see (default: everything)")
    p.add_argument("--with-accounts", action="store_true",
                   help="also the accounts, with their password hashes (left out unless asked)")
    p.add_argument("--force", action="store_true", help="replace OUT when it exists")
    p.set_defaults(run=_export)
    p = sub.add_parser("import", help="store a JSON export (records already there are left as they are)")
    p.add_argument("file", metavar="FILE", help="a file made by backrub export, or - for standard input")
    p.add_argument("--account", metavar="NAME", help="give the imported recipients to this account")
    p.add_argument("--with-accounts", action="store_true",
                   help="also make the file's accounts, with their password hashes (left out unless asked)")
    p.set_defaults(run=_import)
    p = sub.add_parser(
        "backup", help="a consistent copy of the database (SQLite file, or JSON for PostgreSQL)"
    )
    p.add_argument("dest", metavar="DEST", nargs="?", help="where to write it (default: the data folder)")
    p.add_argument("--force", action="store_true", help="replace DEST when it exists")
    p.set_defaults(run=_backup)
    p = sub.add_parser("db", help="the database schema: upgrade, status")
    p.add_argument("action", choices=("upgrade", "status"))
    p.set_defaults(run=_db)
    p = sub.add_parser("account", help="accounts for a coach served beyond this computer: add, list, "
                                       "password, remove")
    p.add_argument("action", choices=("add", "list", "password", "remove"))
    p.add_argument("username", nargs="?")
    p.set_defaults(run=_account)
    return parser


def _viewer(database: Database, name: str | None) -> Viewer:
    if name is None:
        return Viewer()
    from sqlalchemy import select

    from backrub.records.models import AccountRow

    with database.session() as db:
        found = db.scalar(select(AccountRow.id).where(AccountRow.username == name))
    if found is None:
        raise InputError([Problem(path="--account", message=f"no account named {name!r}")])
    return Viewer(account_id=found)


def _export(ns: argparse.Namespace) -> int:
    from backrub.records.exchange import dump, write_csv

    database = open_database()
    try:
        viewer = _viewer(database, ns.account)
        if ns.format == "csv":
            if ns.out == "-":
                raise InputError(
                    [Problem(path="OUT", message="CSV export writes several files: give a folder")]
                )
            if ns.with_accounts:
                raise InputError([Problem(path="--with-accounts",
                                          message="accounts go only into JSON exports")])
            with database.session() as db:
                for path in write_csv(db, viewer, Path(ns.out)):
                    print(path)
            return EXIT_OK
        with database.session() as db:
            data = dump(db, viewer, everything=ns.account is None, accounts=ns.with_accounts)
        text = json.dumps(data, indent=1)
        if ns.out == "-":
            print(text)
        else:
            write_private(Path(ns.out), text, "OUT", force=ns.force)
            print(
                f"{len(data['recipients'])} recipients, {len(data['sessions'])} sessions"
                + (f", {len(data['accounts'])} accounts with password hashes" if ns.with_accounts else "")
                + f" → {ns.out} (readable by you only)",
                file=sys.stderr,
            )
    finally:
        database.close()
    return EXIT_OK


def _import(ns: argparse.Namespace) -> int:
    from backrub.records.exchange import load

    data = read_json(ns.file, "FILE")  # the one JSON reader of every subcommand
    database = open_database()
    try:
        viewer = _viewer(database, ns.account)
        with database.session() as db:
            counts = load(db, viewer, data, everything=ns.account is None, accounts_too=ns.with_accounts)
    finally:
        database.close()
    print(
        f"imported {counts['recipients']} recipients, {counts['sessions']} sessions, "
        f"{counts['events']} events"
        + (f"; {counts['skipped']} already there, left as they were" if counts["skipped"] else "")
        + (f"; {counts['accounts']} accounts made, with the file's password hashes"
           if ns.with_accounts else "")
        + (f"; {counts['accounts_left_out']} accounts in the file left out (--with-accounts brings them in)"
           if counts["accounts_left_out"] else "")
    )
    return EXIT_OK


def _backup(ns: argparse.Namespace) -> int:
    from backrub.records.exchange import backup

    database = open_database()
    try:
        suffix = ".db" if database.dialect == "sqlite" else ".json"
        if ns.dest:
            dest = Path(ns.dest)
        else:
            from platformdirs import user_data_dir

            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            dest = Path(user_data_dir("backrub", appauthor=False)) / "backups" / f"backrub-{stamp}{suffix}"
            try:  # only the default folder is made; a DEST names a folder that exists
                dest.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            except OSError as err:
                raise InputError([Problem(path="DEST", message=f"cannot make {dest.parent}: "
                                                               f"{err.strerror}")]) from None
        written = backup(database, dest, force=ns.force)
    finally:
        database.close()
    print(f"backup of {shown(database.url)} → {written}")
    if suffix == ".json":
        print("restore it into an empty database with: backrub import " + str(written))
    return EXIT_OK


def _db(ns: argparse.Namespace) -> int:
    from backrub.records.migrate import head_revision

    database = Database(database_url())
    try:
        database.check()
        before = database.revision()
        if ns.action == "upgrade":
            database.upgrade()
            after = database.revision()
            print(
                f"{shown(database.url)}: schema {before or 'empty'} → {after}"
                if before != after
                else f"{shown(database.url)}: schema {after} is current"
            )
        else:
            head = head_revision()
            state = "current" if before == head else f"behind (run backrub db upgrade to reach {head})"
            print(f"{shown(database.url)}: schema {before or 'empty'}, {state}")
    finally:
        database.close()
    return EXIT_OK


def _account(ns: argparse.Namespace) -> int:
    from sqlalchemy import select

    from backrub.records.accounts import change_password, create_account, remove_account
    from backrub.records.models import AccountRow

    database = open_database()
    try:
        if ns.action == "list":
            with database.session() as db:
                for name in db.scalars(select(AccountRow.username).order_by(AccountRow.username)):
                    print(name)
            return EXIT_OK
        if not ns.username:
            raise InputError([Problem(path="USERNAME", message=f"say which account to {ns.action}")])
        if ns.action == "remove":
            with database.session() as db:
                remove_account(db, ns.username)
            print(f"account {ns.username} removed (its logins ended, its shares withdrawn)")
            return EXIT_OK
        password = os.environ.get("BACKRUB_PASSWORD")
        if password is None:
            password = (
                getpass.getpass(f"password for {ns.username}: ")
                if sys.stdin.isatty()
                else sys.stdin.readline().rstrip("\n")
            )
        with database.session() as db:
            if ns.action == "password":
                ended = change_password(db, ns.username, password)
                print(f"password of {ns.username} changed; {ended} logins ended")
                return EXIT_OK
            account = create_account(db, ns.username, password)
        print(f"account {account.username} added")
    finally:
        database.close()
    return EXIT_OK
