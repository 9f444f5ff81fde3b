"""Fixtures shared by the whole suite: one model, trained once per run on the real config."""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# Actions run in this process (unit tests) write to a throw-away store, never to var/.
os.environ.setdefault("DALIL_STORE_URL", f"sqlite:///{tempfile.mkdtemp()}/dalil.db")

from dalil import project  # noqa: E402
from dalil.processes import action_server, case_service, rasa_server  # noqa: E402
from dalil.training import train_project  # noqa: E402


@pytest.fixture(scope="session")
def trained_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Trains config.yml + domain.yml + bot/data once for the whole run."""
    return train_project(tmp_path_factory.mktemp("models"), "dalil")


POSTGRES = os.environ.get(
    "DALIL_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
)
BACKENDS = ["sqlite", "postgresql"]


@contextmanager
def database(backend: str, workdir: Path) -> Iterator[str]:
    """A fresh, empty database URL: a SQLite file, or a throw-away PostgreSQL schema."""
    if backend == "sqlite":
        yield f"sqlite:///{workdir / f'{uuid.uuid4().hex}.db'}"
        return
    from sqlalchemy import create_engine, text

    schema = f"dalil_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(POSTGRES, future=True, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    finally:
        with engine.connect() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


@dataclass(frozen=True)
class Deployment:
    """The back end of one test conversation stack: actions, case service, store."""

    action_url: str
    case_url: str
    store_url: str


@contextmanager
def deployment(backend: str, workdir: Path) -> Iterator[Deployment]:
    """The reference case service and the action server, both on ``backend``."""
    with database(backend, workdir) as store_url, database(backend, workdir) as cases_url:
        with case_service({"DALIL_DATABASE_URL": cases_url}) as case_url:
            env = {"DALIL_STORE_URL": store_url, "DALIL_CASE_SERVICE_URL": case_url}
            with action_server(env) as action_url:
                yield Deployment(action_url, case_url, store_url)


@pytest.fixture(scope="session")
def backend_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """The default single-machine back end (SQLite), running for the whole session."""
    with deployment("sqlite", tmp_path_factory.mktemp("db")) as stack:
        yield stack


@pytest.fixture(scope="session")
def action_server_url(backend_stack: Deployment) -> str:
    """The project's action server, running for the whole session."""
    return backend_stack.action_url


@pytest.fixture(scope="session")
def rasa_url(trained_model: Path, action_server_url: str, tmp_path_factory) -> Iterator[str]:
    """A real Rasa server (HTTP API and the project's channels) on the session's model."""
    workdir = str(tmp_path_factory.mktemp("rasa"))
    with rasa_server(str(trained_model), action_server_url, workdir) as url:
        yield url


@pytest.fixture(scope="session")
def agent(trained_model: Path, action_server_url: str):
    """A Rasa agent on the trained model, talking to the real action server."""
    return load_agent(trained_model, action_server_url)


def bot_texts(agent, text: str, sender: str) -> list[str]:
    """What the bot sends back to ``sender`` for ``text``, as the user would read it."""
    replies = asyncio.run(agent.handle_text(text, sender_id=sender))
    return [reply.get("text", "") for reply in replies]


def bot_replies(agent, text: str, sender: str) -> list[dict]:
    """Everything the bot sends back to ``sender`` for ``text``: text and buttons."""
    return asyncio.run(agent.handle_text(text, sender_id=sender))


def response_text(name: str) -> str:
    """The text of a domain response, as the user reads it."""
    import yaml

    domain = yaml.safe_load(project.DOMAIN.read_text(encoding="utf-8"))
    return domain["responses"][name][0]["text"]


def load_agent(model: Path, action_url: str):
    """A Rasa agent on ``model`` whose custom actions run at ``action_url``."""
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    from dalil.tracker_store import MaskingInMemoryTrackerStore

    return Agent.load(
        str(model),
        action_endpoint=EndpointConfig(action_url),
        tracker_store=MaskingInMemoryTrackerStore(domain=None),
    )
