"""Fixtures shared by the whole suite: one model, trained once per run on the real config."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from dalil import project  # noqa: E402
from dalil.processes import action_server  # noqa: E402


@pytest.fixture(scope="session")
def trained_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Trains config.yml + domain.yml + bot/data once for the whole run."""
    from rasa.model_training import train

    output = tmp_path_factory.mktemp("models")
    result = train(
        domain=str(project.DOMAIN),
        config=str(project.CONFIG),
        training_files=[str(p) for p in project.TRAINING_DATA if p.exists()],
        output=str(output),
        fixed_model_name="dalil",
    )
    assert result.code == 0, "training the real config failed"
    return Path(result.model)


@pytest.fixture(scope="session")
def action_server_url() -> Iterator[str]:
    """The project's action server, running for the whole session."""
    with action_server() as url:
        yield url


@pytest.fixture(scope="session")
def agent(trained_model: Path, action_server_url: str):
    """A Rasa agent on the trained model, talking to the real action server."""
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    return Agent.load(str(trained_model), action_endpoint=EndpointConfig(action_server_url))


def bot_texts(agent, text: str, sender: str) -> list[str]:
    """What the bot sends back to ``sender`` for ``text``, as the user would read it."""
    replies = asyncio.run(agent.handle_text(text, sender_id=sender))
    return [reply.get("text", "") for reply in replies]
