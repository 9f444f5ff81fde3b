"""Where the project's files live: the one place Rasa commands, tests and benches read paths."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "config.yml"
DOMAIN = ROOT / "domain.yml"
ENDPOINTS = ROOT / "endpoints.yml"
CREDENTIALS = ROOT / "credentials.yml"
BOT_DATA = ROOT / "bot" / "data"
CATALOG = BOT_DATA / "catalog.yml"
# Rasa training data; the catalog and the phrasing templates beside it are not training files.
TRAINING_DATA = [BOT_DATA / "nlu", BOT_DATA / "rules", BOT_DATA / "stories"]
TEST_STORIES = ROOT / "tests" / "stories"
MODELS = ROOT / "models"
VAR = ROOT / "var"
ACTIONS_MODULE = "bot.actions"
