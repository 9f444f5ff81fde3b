"""The processes Dalil runs.

What ``dalil run`` starts under honcho, and helpers that start one process on loopback and
wait until it is healthy, shared by the tests and the benches.
"""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from dalil import project

CASE_APP = "dalil.cases.app:app"
CONSOLE_APP = "dalil.console.app:app"
# No access log (it would hold client details); no WebSockets (Rasa pins an old library).
UVICORN_FLAGS = ("--no-access-log", "--ws", "none")


@dataclass(frozen=True)
class Process:
    """One long-running process: how to start it and where it answers."""

    name: str
    command: list[str]
    url: str
    health: str


def _python(*args: str) -> list[str]:
    return [sys.executable, *args]


def processes() -> list[Process]:
    """Everything a single machine runs; ports come from the environment when set."""
    rasa_port = os.environ.get("DALIL_RASA_PORT", "5005")
    actions_port = os.environ.get("DALIL_ACTIONS_PORT", "5055")
    cases_port = os.environ.get("DALIL_CASES_PORT", "8001")
    console_port = os.environ.get("DALIL_CONSOLE_PORT", "8002")
    found = [
        Process(
            "rasa",
            _python(
                "-m", "rasa", "run", "--enable-api",
                "--model", str(project.MODELS),
                "--endpoints", str(project.ENDPOINTS),
                "--credentials", str(project.CREDENTIALS),
                "--port", rasa_port,
            ),
            f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook",
            f"http://127.0.0.1:{rasa_port}/",
        ),
        Process(
            "actions",
            _python("-m", "rasa_sdk", "--actions", project.ACTIONS_MODULE, "--port", actions_port),
            f"http://127.0.0.1:{actions_port}/webhook",
            f"http://127.0.0.1:{actions_port}/health",
        ),
        Process(
            "cases",
            _python("-m", "uvicorn", CASE_APP, "--port", cases_port, *UVICORN_FLAGS),
            f"http://127.0.0.1:{cases_port}/docs",
            f"http://127.0.0.1:{cases_port}/health",
        ),
        Process(
            "console",
            _python("-m", "uvicorn", CONSOLE_APP, "--port", console_port, *UVICORN_FLAGS),
            f"http://127.0.0.1:{console_port}/  (demo page: /demo)",
            f"http://127.0.0.1:{console_port}/health",
        ),
    ]
    health_port = os.environ.get("DALIL_TELEGRAM_HEALTH_PORT", "8003")
    if os.environ.get("TELEGRAM_TOKEN"):  # long polling: no public URL needed on one machine
        found.append(
            Process(
                "telegram",
                _python("-m", "connectors.telegram", "--polling", "--health-port", health_port),
                "Telegram (long polling)",
                f"http://127.0.0.1:{health_port}/",
            )
        )
    return found


def run_all() -> int:
    """Start every process, print where each answers, stop them all on Ctrl-C."""
    from honcho.manager import Manager

    manager = Manager()
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONUNBUFFERED": "1"}
    print("Dalil is starting:")
    for process in processes():
        print(f"  {process.name:<10} {process.url}  (health: {process.health})")
        manager.add_process(process.name, shlex.join(process.command), env=env, cwd=project.ROOT)
    manager.loop()
    return manager.returncode or 0


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    """Polls ``url`` until it answers 200; fails fast if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server for {url} exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not become healthy in {timeout} s")


@contextmanager
def running(
    args: list[str], health_url: str, env: dict[str, str] | None = None, log: Path | None = None
) -> Iterator[subprocess.Popen]:
    """Runs ``python args...`` from the project root until the block ends; output to ``log``."""
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", **(env or {})}
    output = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, *args], cwd=project.ROOT, env=environment,
        stdout=output, stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
    )
    try:
        wait_until_healthy(health_url, process)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        if log:
            output.close()


@contextmanager
def rasa_server(
    model: str,
    action_url: str,
    workdir: str,
    credentials: str | None = None,
    stores: str = "tracker_store:\n  type: dalil.tracker_store.MaskingInMemoryTrackerStore\n",
    env: dict[str, str] | None = None,
    log: Path | None = None,
) -> Iterator[str]:
    """A real Rasa server with the HTTP API on ``model``; yields its base URL.

    ``credentials`` replaces the project's credentials.yml, e.g. to enable a channel;
    ``stores`` is the endpoints.yml text for the tracker and lock stores.
    """
    port = free_port()
    endpoints = os.path.join(workdir, f"endpoints-{port}.yml")
    with open(endpoints, "w", encoding="utf-8") as file:
        file.write(f'action_endpoint:\n  url: "{action_url}"\n{stores}')
    args = [
        "-m", "rasa", "run", "--enable-api", "--model", model, "--endpoints", endpoints,
        "--credentials", credentials or str(project.CREDENTIALS), "--port", str(port),
    ]
    with running(args, f"http://127.0.0.1:{port}/", env, log):
        yield f"http://127.0.0.1:{port}"


@contextmanager
def action_server(
    env: dict[str, str] | None = None, log: Path | None = None
) -> Iterator[str]:
    """The real rasa_sdk action server with the project's actions; yields its webhook URL."""
    port = free_port()
    args = ["-m", "rasa_sdk", "--actions", project.ACTIONS_MODULE, "--port", str(port)]
    with running(args, f"http://127.0.0.1:{port}/health", env, log):
        yield f"http://127.0.0.1:{port}/webhook"


@contextmanager
def case_service(
    env: dict[str, str] | None = None, log: Path | None = None
) -> Iterator[str]:
    """The reference case-status service (``DALIL_DATABASE_URL`` in ``env``); yields its URL."""
    port = free_port()
    args = ["-m", "uvicorn", CASE_APP, "--port", str(port), *UVICORN_FLAGS]
    with running(args, f"http://127.0.0.1:{port}/health", env, log):
        yield f"http://127.0.0.1:{port}"


@contextmanager
def console(env: dict[str, str] | None = None) -> Iterator[str]:
    """The agents' console (store, case service and Rasa URLs in ``env``); yields its URL."""
    port = free_port()
    args = ["-m", "uvicorn", CONSOLE_APP, "--port", str(port), *UVICORN_FLAGS]
    with running(args, f"http://127.0.0.1:{port}/health", env):
        yield f"http://127.0.0.1:{port}"
