"""The generated training data is reproducible and in step with its sources."""

from __future__ import annotations

import yaml

from dalil import nlu_generate
from dalil.catalog import load_catalog


def sources() -> tuple:
    templates = yaml.safe_load(nlu_generate.TEMPLATES.read_text(encoding="utf-8"))
    return load_catalog(), templates


def test_the_committed_file_is_what_the_generator_writes() -> None:
    catalog, templates = sources()
    committed = nlu_generate.OUTPUT.read_text(encoding="utf-8")
    assert committed == nlu_generate.generate(catalog, templates), (
        "bot/data/nlu/services.yml is stale or hand-edited: run `dalil generate-nlu`"
    )


def test_generation_is_deterministic() -> None:
    catalog, templates = sources()
    assert nlu_generate.generate(catalog, templates) == nlu_generate.generate(catalog, templates)


def test_every_service_and_every_aspect_has_examples() -> None:
    catalog, templates = sources()
    data = yaml.safe_load(nlu_generate.generate(catalog, templates))
    intents = {block["intent"]: block["examples"] for block in data["nlu"]}
    for intent in ("ask_service_overview", "ask_requirements", "ask_steps", "ask_fees",
                   "ask_duration", "ask_channels", "inform"):  # fmt: skip
        assert intents[intent].count("\n") >= 30, intent
    every = "\n".join(intents.values())
    for service in catalog.services:
        assert f'"value": "{service.id}"' in every, service.id
