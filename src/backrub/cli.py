"""The command line of DESIGN.md: screen, plan, check, device, serve, robot."""

from __future__ import annotations

import gc
import json
import os
import sys
from types import SimpleNamespace

from backrub.commandline import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_NOT_PLANNED, EXIT_OK, read_json
from backrub.errors import InputError, Problem, print_problems
from backrub.rows import Row

TYPE_CHECKING = False  # typing is costly to import at start-up; only the checker needs it
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable
    from typing import Any

__all__ = ["EXIT_BAD_INPUT", "EXIT_FINDINGS", "EXIT_NOT_PLANNED", "EXIT_OK", "main", "read_json"]
# Subcommands with their own parser, in an optional extra: module, extra.
DELEGATED = {
    "robot": ("backrub.robot.cli", "robot"),
    **{name: ("backrub.records.cli", "records") for name in ("export", "import", "backup", "db", "account")},
}


def main(argv: list[str] | None = None) -> int:
    """Run one command; return its exit code (bad input is 2 and prints no traceback)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] and args[0] in DELEGATED:
        return _delegate(args)
    ns: argparse.Namespace | SimpleNamespace | None = _plain(args)
    if ns is None:  # help, a mistake, or a command with more to it: argparse reads it
        ns = _parser(args[0] if args and args[0] in _COMMANDS else None).parse_args(args)
    try:
        code: int = ns.run(ns)
        if argv is None:
            # The program's own command is done and the process ends next: spare the interpreter's
            # exit its collection pass over everything the command built (3-4 % of `backrub plan`).
            # Called in-process (argv given), the caller's collector is left alone.
            gc.freeze()
        return code
    except InputError as err:
        print_problems(err)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return EXIT_OK


def _parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with `only`, just that command's part (a plain `backrub plan`
    need not build every other command's options: the same help, errors and results)."""
    import argparse

    parser = argparse.ArgumentParser(prog="backrub", description="Plan, check and coach back massages.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, build in _COMMANDS.items():
        if only is not None and name != only:
            continue
        if isinstance(build, Simple):
            _simple_parser(sub, name, build)
        else:
            build(sub)
    if only is None:
        sub.add_parser("robot", help="compile and simulate routines for a robot arm (backrub robot --help)")
        for name, words in (
            ("export", "every record as JSON or CSV"),
            ("import", "store a JSON export"),
            ("backup", "a consistent copy of the records"),
            ("db", "the records schema: upgrade, status"),
            ("account", "accounts for a coach served beyond this computer"),
        ):
            sub.add_parser(name, help=f"{words} (backrub {name} --help)")
    return parser


class Simple(Row):
    """A command of at most one input and plain options: a flag (metavar None) is on when given,
    an option with a metavar takes the word after it. Written once and read two ways: argparse
    builds the help and the errors from it, and `_plain` reads a well-formed command line by it."""

    help: str
    run: Callable[[Any], int]
    positional: tuple[str, str, str] | None = None  # (name, metavar, help)
    options: tuple[tuple[str, str | None, str], ...] = ()  # (--option, metavar or None, help)


def _simple_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str, cmd: Simple) -> None:
    p = sub.add_parser(name, help=cmd.help)
    if cmd.positional is not None:
        dest, shown, words = cmd.positional
        p.add_argument(dest, metavar=shown, help=words)
    for option, metavar, words in cmd.options:
        if metavar is None:
            p.add_argument(option, action="store_true", help=words)
        else:
            p.add_argument(option, metavar=metavar, help=words)
    p.set_defaults(run=cmd.run)


def _plain(args: list[str]) -> SimpleNamespace | None:
    """What argparse would give for a well-formed command line of a `Simple` command, read without
    loading argparse (its import and parser are about a tenth of a plain `backrub plan`); None for
    anything else (help, an abbreviation, `--opt=value`, a value that starts with '-', an option
    given twice, an input too many or missing), which argparse then reads, with its own words."""
    cmd = _COMMANDS.get(args[0]) if args else None
    if not isinstance(cmd, Simple):
        return None
    takes = {option: metavar is not None for option, metavar, _ in cmd.options}
    got: dict[str, Any] = {_dest(o): None if value else False for o, value in takes.items()}
    given: list[str] = []
    words = iter(args[1:])
    for word in words:
        if word in takes:
            if not takes[word]:
                got[_dest(word)] = True
                continue
            value = next(words, None)
            if value is None or value.startswith("-") or got[_dest(word)] is not None:
                return None
            got[_dest(word)] = value
        elif word.startswith("-") and word != "-":  # argparse reads a lone '-' as an input
            return None
        else:
            given.append(word)
    if len(given) != (0 if cmd.positional is None else 1):
        return None
    if cmd.positional is not None:
        got[cmd.positional[0]] = given[0]
    return SimpleNamespace(command=args[0], **got, run=cmd.run)


def _dest(option: str) -> str:
    return option[2:].replace("-", "_")


def _device_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("device", help="the built-in handheld massager profiles")
    dev = p.add_subparsers(dest="device_command", required=True, metavar="list|show")
    d = dev.add_parser("list", help="every built-in device profile")
    d.add_argument("--json", action="store_true", help="print JSON")
    d.set_defaults(run=_device_list)
    d = dev.add_parser("show", help="one device profile: speeds, heads, heat, programs")
    d.add_argument("id", metavar="ID")
    d.add_argument("--json", action="store_true", help="print JSON")
    d.set_defaults(run=_device_show)


def _serve_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("serve", help="the web coach on 127.0.0.1:8000",
                       description="The web coach. On this computer (the default) nobody signs in; served "
                                   "beyond it (--host 0.0.0.0) everyone does, over TLS.")
    p.add_argument("--host", default="127.0.0.1",
                   help="where to listen (default 127.0.0.1); beyond loopback accounts and TLS are required")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--accounts", action="store_true",
                   help="require signing in even on this computer (add accounts with `backrub account add`)")
    p.add_argument("--cert", metavar="FILE", help="TLS certificate (PEM), with --key: serve https")
    p.add_argument("--key", metavar="FILE", help="the certificate's private key (PEM)")
    p.add_argument("--behind-proxy", action="store_true",
                   help="a reverse proxy on this computer serves https and forwards here (accounts on)")
    p.add_argument("--workers", type=int, default=1, metavar="N",
                   help="N worker processes on ports PORT..PORT+N-1, sharing one PostgreSQL "
                        "(put a load balancer in front: scripts/haproxy.sh); default 1")
    p.set_defaults(run=_serve)


# The commands with their own options, in the order help lists them.
_COMMANDS: dict[str, Simple | Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = {
    "screen": Simple(
        help="the screening decision and its reasons",
        run=lambda ns: _screen(ns),
        positional=("intake", "INTAKE", "intake JSON file, or - for standard input"),
        options=(("--json", None, "print JSON"),),
    ),
    "plan": Simple(
        help="plan a routine for an intake",
        run=lambda ns: _plan(ns),
        positional=("intake", "INTAKE", "intake JSON file, or - for standard input"),
        options=(
            ("--json", None, "print the routine as JSON"),
            ("--svg", "F", "also draw the routine on the back into this SVG file"),
            ("--device", "ID", "plan for this handheld massager (backrub device list)"),
            ("--reflex", None, "draw seed 001's reflex points in the SVG"),
        ),
    ),
    "device": _device_parser,
    "reflex": Simple(
        help="seed 001's twelve reflex points (a traditional claim)",
        run=lambda ns: _reflex(ns),
        options=(
            ("--json", None, "print JSON"),
            ("--body", "JSON", 'body sizes, e.g. \'{"back_length_cm": 45}\''),
        ),
    ),
    "check": Simple(
        help="check a routine against every rule",
        run=lambda ns: _check(ns),
        positional=("routine", "ROUTINE", "routine JSON file, or - for standard input"),
        options=(
            ("--intake", "INTAKE", "judge against this intake, not the routine's own"),
            ("--json", None, "print JSON"),
        ),
    ),
    "serve": _serve_parser,
}


# -- reading input --------------------------------------------------------------------------


def _intake(source: str) -> Any:
    from backrub.intake import parse_intake

    return parse_intake(read_json(source, "INTAKE"))


# -- commands -------------------------------------------------------------------------------


def _screen(ns: argparse.Namespace) -> int:
    from backrub.intake import screen

    result = screen(_intake(ns.intake))
    if ns.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        from backrub.render.text import screening_text

        print(screening_text(result))
    return EXIT_OK if result.may_plan else EXIT_NOT_PLANNED


def _reflex(ns: argparse.Namespace) -> int:
    from backrub.errors import Problems
    from backrub.jsonin import loads
    from backrub.knowledge.body import Body
    from backrub.render.text import reflex_text

    problems = Problems()
    raw = loads(ns.body, "--body") if ns.body is not None else None  # the edge checks of every input
    body = Body.from_dict(raw, problems, where="--body")
    problems.raise_if_any()
    from backrub.knowledge.reflex import reflex_layer

    layer = reflex_layer(body)
    print(json.dumps(layer, indent=2) if ns.json else reflex_text(layer))
    return EXIT_OK


def _plan(ns: argparse.Namespace) -> int:
    from backrub.gate import planned
    from backrub.intake import parse_intake
    from backrub.planner import NotPlanned

    raw = read_json(ns.intake, "INTAKE")
    if ns.device is not None:
        raw = {**raw, "device": ns.device} if isinstance(raw, dict) else raw
    intake = parse_intake(raw)
    try:
        routine = planned(intake)
    except NotPlanned as no:
        if ns.json:
            print(
                json.dumps(
                    {"planned": False, "screening": no.screening.to_dict(), "reasons": no.reasons}, indent=2
                )
            )
        else:
            from backrub.render.text import not_planned_text

            print(not_planned_text(no.screening, no.reasons))
        return EXIT_NOT_PLANNED
    if ns.svg:
        from backrub.render.svg import routine_svg

        try:
            with open(ns.svg, "w", encoding="utf-8") as handle:
                handle.write(routine_svg(routine, intake, reflex=ns.reflex))
        except OSError as err:
            problem = Problem(path="--svg", message=f"cannot write {ns.svg}: {err.strerror}")
            raise InputError([problem]) from None
    if ns.json:
        print(json.dumps(routine.to_dict()))
    else:
        from backrub.render.text import routine_table

        print(routine_table(routine))
        if ns.svg:
            print(f"\nPicture of the plan: {os.path.abspath(ns.svg)}")
    return EXIT_OK


def _check(ns: argparse.Namespace) -> int:
    from backrub.routine import parse_routine
    from backrub.verifier import check_routine

    routine = parse_routine(read_json(ns.routine, "ROUTINE"))
    intake = _intake(ns.intake) if ns.intake else None
    report = check_routine(routine, intake)
    if ns.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        from backrub.render.text import report_text

        print(report_text(report, len(routine.steps)))
    return EXIT_OK if report.ok else EXIT_FINDINGS


def _device_list(ns: argparse.Namespace) -> int:
    from backrub.knowledge.devices import BUILTIN
    from backrub.render.text import device_table

    if ns.json:
        print(json.dumps([p.to_dict() for p in BUILTIN.values()], indent=2))
    else:
        print(device_table(tuple(BUILTIN.values())))
    return EXIT_OK


def _device_show(ns: argparse.Namespace) -> int:
    from backrub.knowledge.devices import device_profile
    from backrub.render.text import device_text

    try:
        profile = device_profile(ns.id)
    except InputError as err:
        raise InputError([Problem(path="ID", message=p.message) for p in err.problems]) from None
    print(json.dumps(profile.to_dict(), indent=2) if ns.json else device_text(profile))
    return EXIT_OK


def _serve(ns: argparse.Namespace) -> int:
    try:
        from backrub.web.server import serve
    except ImportError as err:
        print(
            f"backrub serve needs the web extra: pip install 'backrub[web]' ({err.name} is missing)",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    if ns.workers != 1:
        from backrub.web.workers import serve_workers

        flags = [f for f, on in (("--accounts", ns.accounts), ("--behind-proxy", ns.behind_proxy)) if on]
        flags += [*(["--cert", ns.cert] if ns.cert else []), *(["--key", ns.key] if ns.key else [])]
        return serve_workers(ns.workers, ns.host, ns.port, flags)
    return int(serve(host=ns.host, port=ns.port, accounts=ns.accounts, cert=ns.cert, key=ns.key,
                     behind_proxy=ns.behind_proxy))


def _delegate(argv: list[str]) -> int:
    """Hand a subcommand to its own module (the robot takes the words after `robot`)."""
    from importlib import import_module

    module, extra = DELEGATED[argv[0]]
    try:
        run = import_module(module).main
    except ImportError as err:
        print(
            f"backrub {argv[0]} needs the {extra} extra: pip install 'backrub[{extra}]' "
            f"({err.name} is missing)",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    return int(run(argv[1:] if argv[0] == "robot" else argv))


if __name__ == "__main__":
    raise SystemExit(main())
