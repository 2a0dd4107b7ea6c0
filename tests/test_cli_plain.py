"""The plain reading of a well-formed command line (`cli._plain`, which spares `backrub plan` the
import of argparse) gives exactly what argparse gives, and leaves everything else to argparse."""

from __future__ import annotations

import random

import pytest

from backrub import cli

# Words a command line is made of: the options of every plain command, near misses of them, and
# inputs, including a lone '-' (standard input) and words that start with '-'.
WORDS = [
    "--json", "--svg", "--device", "--reflex", "--body", "--intake", "--js", "--svg=out.svg", "--", "-h",
    "--help", "-", "-x", "--nope", "intake.json", "out.svg", "percussion-small", '{"back_length_cm": 45}',
    "", "a b", "--JSON",
]


def _argparse(argv: list[str]) -> dict[str, object] | None:
    """argparse's namespace for a command line, or None where it stops (an error or help)."""
    try:
        return vars(cli._parser(argv[0]).parse_args(argv))
    except SystemExit:
        return None


def _compare(argv: list[str]) -> bool:
    plain = cli._plain(argv)
    if plain is None:
        return False
    assert vars(plain) == _argparse(argv), argv
    return True


@pytest.mark.parametrize("argv", [
    ["plan", "intake.json"], ["plan", "intake.json", "--json"], ["plan", "--json", "intake.json"],
    ["plan", "-", "--svg", "out.svg", "--reflex", "--device", "percussion-small"],
    ["plan", "--json", "--json", "intake.json"], ["screen", "-"], ["screen", "--json", "x"],
    ["check", "r.json", "--intake", "i.json", "--json"], ["reflex"], ["reflex", "--json", "--body", "{}"],
])
def test_a_plain_command_line_reads_as_argparse_reads_it(argv):
    assert _compare(argv)


@pytest.mark.parametrize("argv", [
    ["plan"], ["plan", "a", "b"], ["plan", "a", "--svg"], ["plan", "a", "--svg", "--json"],
    ["plan", "a", "--svg=x.svg"], ["plan", "a", "--js"], ["plan", "-h"], ["plan", "a", "--", "b"],
    ["plan", "a", "--svg", "x", "--svg", "y"], ["plan", "a", "--svg", "-"], ["reflex", "x"],
    ["device", "list"], ["serve"], [], ["nosuch"], ["plan", "-5"],
])
def test_anything_else_is_left_to_argparse(argv):
    assert cli._plain(argv) is None


def test_random_command_lines_read_plainly_only_as_argparse_reads_them(capsys):
    rng = random.Random(11)
    plain = 0
    for _ in range(3000):
        command = rng.choice(["plan", "plan", "screen", "check", "reflex"])
        plain += _compare([command, *(rng.choice(WORDS) for _ in range(rng.randint(0, 6)))])
    assert plain > 150  # the plain reading is taken, not only declined
