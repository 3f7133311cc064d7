"""`python cli.py accounts list | add | passwd | audit`: sign-in accounts from the command line.

For the server's operator: open the first administrator without a browser, reset a forgotten
password, read the audit log. Passwords are asked twice at a hidden prompt, or read from
standard input with --password-stdin (for scripts); they are never accepted as an argument,
which would leave them in the shell history and the process list.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from db import accounts, audit
from db.connection import DatabaseBusy, connect, database_path


def register(subparsers) -> None:
    parser = subparsers.add_parser("accounts", help="sign-in accounts and the audit log (账户)",
                                   description="Sign-in accounts: list, add, reset a password, read the audit log.")
    parser.add_argument("--db", help="database file (default: $ANCHANG_DB or data/anchang.duckdb)")
    actions = parser.add_subparsers(dest="verb", required=True)
    actions.add_parser("list", help="every account with its role and scope")
    add = actions.add_parser("add", help="a new account")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=accounts.ACCOUNT_ROLES)
    add.add_argument("--name", default="", help="display name (default: the username)")
    add.add_argument("--staff", help="staff id of a leader or consultant")
    add.add_argument("--project", action="append", default=[], metavar="ID", help="a manager's project (repeatable)")
    add.add_argument("--personal-data", action="store_true", help="an analyst may see customers' personal data")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    passwd = actions.add_parser("passwd", help="set a new password (also lifts a lock)")
    passwd.add_argument("username")
    passwd.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    log = actions.add_parser("audit", help="the newest audit-log entries")
    log.add_argument("--action", choices=audit.ACTIONS)
    log.add_argument("--limit", type=int, default=50)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        con = connect(database_path(args.db), read_only=args.verb in ("list", "audit"), retry_seconds=10)
    except DatabaseBusy as busy:
        print(busy, file=sys.stderr)
        return 3
    try:
        return _ACTIONS[args.verb](con, args)
    except accounts.AccountRefused as refused:
        print(f"error: {refused}", file=sys.stderr)
        return 2
    finally:
        con.close()


def _list(con, args) -> int:
    table = accounts.account_table(con)
    if table.empty:
        print("no accounts yet: the dashboard's first start asks for an administrator, "
              "or run `python cli.py accounts add NAME --role admin`")
        return 0
    for row in table.itertuples():
        scope = ",".join(row.project_ids) if len(row.project_ids) else (row.staff_id or "")
        flags = " ".join(flag for flag, on in (("personal-data", row.personal_data), ("disabled", row.disabled)) if on)
        print(f"{row.username:<20} {row.role:<11} {scope:<12} {flags}".rstrip())
    return 0


def _add(con, args) -> int:
    password = _new_password(args.password_stdin)
    created = accounts.create_account(con, args.username, args.name, password, args.role, staff_id=args.staff,
                                      project_ids=tuple(args.project), personal_data=args.personal_data)
    audit.record(con, audit.cli_actor(), "account", f"created {created.username} as {created.role}")
    print(f"account {created.username} ({created.role}) created")
    return 0


def _passwd(con, args) -> int:
    if accounts.account(con, args.username) is None:
        print(f"error: no enabled account named {args.username!r}", file=sys.stderr)
        return 2
    accounts.set_password(con, args.username, _new_password(args.password_stdin))
    audit.record(con, audit.cli_actor(), "account", f"{args.username}: password reset")
    print(f"password of {args.username} changed")
    return 0


def _audit(con, args) -> int:
    for row in audit.audit_entries(con, args.action, limit=args.limit).itertuples():
        print(f"{row.logged_at:%Y-%m-%d %H:%M:%S}  {row.actor:<16} {row.action:<15} {row.detail or ''}".rstrip())
    return 0


def _new_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise accounts.AccountRefused("password_mismatch")
    return first


_ACTIONS = {"list": _list, "add": _add, "passwd": _passwd, "audit": _audit}
