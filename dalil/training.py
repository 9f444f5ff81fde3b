"""Training the project's real config, domain and data from Python (tests and benches)."""

from __future__ import annotations

import logging
from pathlib import Path

from dalil import project


def train_project(output: Path, name: str) -> Path:
    """Trains config.yml, domain.yml and bot/data into ``output``/``name``.tar.gz."""
    from rasa.model_training import train
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # not the rule policy's debug line per story state
    result = train(
        domain=str(project.DOMAIN),
        config=str(project.CONFIG),
        training_files=[str(p) for p in project.TRAINING_DATA if p.exists()],
        output=str(output),
        fixed_model_name=name,
    )
    if result.code != 0:
        raise RuntimeError("training the project's config failed")
    return Path(result.model)
