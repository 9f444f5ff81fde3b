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


def test_the_committed_questions_are_what_the_generator_writes() -> None:
    committed = nlu_generate.QUESTIONS_OUTPUT.read_text(encoding="utf-8")
    expected = nlu_generate.generate_questions(nlu_generate.load_questions())
    assert committed == expected, (
        "bot/data/nlu/questions.yml is stale or hand-edited: run `dalil generate-nlu`"
    )


def test_every_asked_question_teaches_its_intent() -> None:
    questions = nlu_generate.load_questions()
    data = yaml.safe_load(nlu_generate.generate_questions(questions))
    taught = {
        line[2:]: block["intent"]
        for block in data["nlu"] for line in block["examples"].splitlines()
    }
    assert len(questions) >= 5000
    labels: dict[str, set[str]] = {}
    for item in questions:
        labels.setdefault(" ".join(item["text"].split()), set()).add(item["intent"])
    for text, intents in labels.items():
        if len(intents) == 1:
            assert taught[text] in intents, text
        else:  # writers disagreed: no example either way
            assert text not in taught, text


def test_held_out_questions_are_not_training_examples() -> None:
    """The bench's figures mean something only on questions the model was not built from:
    a held-out file shares with them only the short questions everyone writes alike
    («السلام عليكم ورحمة الله», «كيف احجز موعد بمكتب العمل»), a few in a hundred, not
    most of itself as a file folded into training would."""
    from bench.nlu_eval import HELDOUT_FILES
    from dalil import project

    trained = set()
    for path in (project.BOT_DATA / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            trained |= {line[2:].strip() for line in block.get("examples", "").splitlines()}
    for path in HELDOUT_FILES:
        items = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts = [" ".join(i["text"].split()) for i in items]
        shared = [t for t in texts if t in trained and len(t.split()) >= 4]
        assert len(shared) <= 0.25 * len(texts), (path.name, shared)  # a leaked file: ~all
