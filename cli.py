"""The command line: `python cli.py demo | import | kpis | report …`.

Each subcommand lives in `commands/<name>.py` and exposes `register(subparsers)`, which adds its
parser and sets `handler`; the handler returns the process exit status.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# Subcommand modules in the order `--help` lists them; a module missing here is not offered.
COMMAND_MODULES = ("commands.demo", "commands.imports", "commands.kpis", "commands.report", "commands.accounts")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cli.py", description="案场销售分组管理 dashboard: data and reports from the command line.")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
