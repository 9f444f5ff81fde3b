"""The ``dalil`` command: one entry point for running, training, testing and reporting.

Rasa needs the project's paths on every call; keeping them here means the README, the
Makefile and CI never spell them out twice.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from dalil import project

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def rasa_train_args() -> list[str]:
    """The ``rasa train`` arguments for this project's layout."""
    data = [str(p) for p in project.TRAINING_DATA if p.exists()]
    return [
        "train",
        "--config", str(project.CONFIG),
        "--domain", str(project.DOMAIN),
        "--data", *data,
        "--out", str(project.MODELS),
    ]


def _rasa(*args: str) -> int:
    return subprocess.call([sys.executable, "-m", "rasa", *args], cwd=project.ROOT)


def generate_nlu(_: argparse.Namespace) -> int:
    """Regenerate the training examples from the templates, the catalog and the questions."""
    from dalil import nlu_generate

    for output, changed in ((nlu_generate.OUTPUT, nlu_generate.write()),
                            (nlu_generate.QUESTIONS_OUTPUT, nlu_generate.write_questions())):
        print(f"{output.relative_to(project.ROOT)}: {'updated' if changed else 'up to date'}")
    return 0


def check_catalog(args: argparse.Namespace) -> int:
    """Validate the catalog; print what is wrong, where, and exit non-zero if anything is."""
    from dalil.catalog import CatalogError, load_catalog

    try:
        catalog = load_catalog(args.path)
    except CatalogError as error:
        print(error, file=sys.stderr)
        return 1
    offices = len(catalog.general.offices)
    print(f"{args.path}: {len(catalog.services)} services, {offices} offices: OK")
    return 0


def report_csat(_: argparse.Namespace) -> int:
    """Print satisfaction by channel and by service, and bot-resolved vs handed-off."""
    from dalil.store import get_store

    report = get_store().csat_report()
    for title, rows in (("channel", report.by_channel), ("service", report.by_service)):
        print(f"CSAT by {title}:")
        for name, (mean, count) in rows.items() or [("-", (0.0, 0))]:
            print(f"  {name:<30} {mean:4.2f} / 5   ({count} ratings)")
    total = report.conversations
    share = (lambda n: f"{n / total:.0%}") if total else (lambda n: "-")
    print(f"conversations answered: {total}")
    print(f"  resolved by the bot: {report.resolved_by_bot} ({share(report.resolved_by_bot)})")
    print(f"  handed off to agents: {report.handed_off} ({share(report.handed_off)})")
    return 0


def add_agent(args: argparse.Namespace) -> int:
    """Create a console account; the password is read from the terminal, never an argument."""
    import getpass
    import os

    from dalil.store import get_store

    password = os.environ.get("DALIL_NEW_AGENT_PASSWORD") or getpass.getpass("password: ")
    try:
        get_store().accounts.add(args.username, password, args.role)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"{args.role} '{args.username}' created")
    return 0


def train(args: argparse.Namespace) -> int:
    """Train a model unless the newest one already matches config, domain, data and catalog."""
    generate_nlu(args)
    return _rasa(*rasa_train_args())


def run(args: argparse.Namespace) -> int:
    """Train if needed, then start every process under one process manager."""
    from dalil.processes import run_all

    if train(args) != 0:
        return 1
    return run_all()


def test(args: argparse.Namespace) -> int:
    """Lint, then run the whole pytest suite (which trains its own model once)."""
    lint = subprocess.call([sys.executable, "-m", "ruff", "check", "."], cwd=project.ROOT)
    if lint != 0:
        return lint
    return subprocess.call([sys.executable, "-m", "pytest", *args.pytest_args], cwd=project.ROOT)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and dispatch to a subcommand."""
    parser = argparse.ArgumentParser(prog="dalil", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="train if needed and start all processes").set_defaults(
        handler=run
    )
    commands.add_parser("train", help="train the Rasa model if it is not current").set_defaults(
        handler=train
    )
    commands.add_parser(
        "generate-nlu", help="regenerate bot/data/nlu/ from templates, catalog and asked questions"
    ).set_defaults(handler=generate_nlu)
    catalog_parser = commands.add_parser("catalog", help="catalog tools")
    catalog_commands = catalog_parser.add_subparsers(dest="catalog_command", required=True)
    check_parser = catalog_commands.add_parser("check", help="validate the catalog file")
    check_parser.add_argument("path", nargs="?", default=str(project.CATALOG))
    check_parser.set_defaults(handler=check_catalog)
    report_parser = commands.add_parser("report", help="reports from Dalil's store")
    report_commands = report_parser.add_subparsers(dest="report_command", required=True)
    report_commands.add_parser("csat", help="satisfaction and resolution").set_defaults(
        handler=report_csat
    )
    agents_parser = commands.add_parser("agents", help="console accounts")
    agents_commands = agents_parser.add_subparsers(dest="agents_command", required=True)
    add_parser = agents_commands.add_parser("add", help="create an agent or supervisor")
    add_parser.add_argument("username")
    add_parser.add_argument("--role", choices=["agent", "supervisor"], default="agent")
    add_parser.set_defaults(handler=add_agent)
    test_parser = commands.add_parser("test", help="lint and run the test suite")
    test_parser.add_argument("pytest_args", nargs=argparse.REMAINDER)
    test_parser.set_defaults(handler=test)
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
