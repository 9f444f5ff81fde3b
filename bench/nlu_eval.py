"""Intent and `service` accuracy of Dalil's trained model on the held-out questions.

Held-out files (tests/data/heldout_N.yml), each written by another hand, separately from
the training data and from each other, in MSA and Saudi dialect with real-world spelling,
and measured before anyone read it. Once read, a file is a round of asked questions:
it moves to bot/data/questions/ and becomes training data, and new files take its place,
so the figures printed here are always on questions the model was not built from.
Trains a model first unless --model is given.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from dalil import project  # noqa: E402
from dalil.training import train_project  # noqa: E402

# Questions the other benches replay as users' traffic.
ASKED = ROOT / "bot" / "data" / "questions" / "round_01.yml"
HELDOUT_FILES = sorted(
    (ROOT / "tests" / "data").glob("heldout_*.yml"), key=lambda p: int(p.stem.split("_")[1])
)


def train_model(output: Path) -> Path:
    """Trains the real config, domain and data into ``output``."""
    return train_project(output, "nlu-eval")


async def parse_all(model: Path, texts: list[list[str]]) -> list[list[dict]]:
    """Parses every list of texts with the model, loaded once, as the server would."""
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # not a debug line per parsed question
    agent = Agent.load(str(model))
    parsed = []
    for batch in texts:  # a plain loop: Python 3.10 has no await in nested comprehensions
        parsed.append([await agent.parse_message(text) for text in batch])
    return parsed


def report(path: Path, parses: list[dict], items: list[dict]) -> None:
    """Prints intent accuracy, macro-F1, service accuracy and the top confusions of one file."""
    from sklearn.metrics import accuracy_score, f1_score

    gold = [item["intent"] for item in items]
    predicted = []
    for parse in parses:
        intent = parse["intent"]["name"]
        if intent == "nlu_fallback":  # report the classifier's guess; fallback is counted apart
            ranking = [r for r in parse.get("intent_ranking", []) if r["name"] != "nlu_fallback"]
            intent = ranking[0]["name"] if ranking else intent
        predicted.append(intent)
    fallbacks = sum(p["intent"]["name"] == "nlu_fallback" for p in parses)

    with_service = [
        (item["service"], [e["value"] for e in parse["entities"] if e["entity"] == "service"])
        for item, parse in zip(items, parses, strict=True)
        if item.get("service")
    ]
    service_hits = sum(found[:1] == [want] for want, found in with_service)
    without = [
        parse for item, parse in zip(items, parses, strict=True) if not item.get("service")
    ]
    spurious = sum(any(e["entity"] == "service" for e in p["entities"]) for p in without)

    print(f"held-out questions     {len(items)}   ({path.relative_to(ROOT)})")
    print(f"intent accuracy        {accuracy_score(gold, predicted):.3f}")
    print(f"intent macro-F1        {f1_score(gold, predicted, average='macro'):.3f}")
    print(f"below fallback thresh. {fallbacks} ({fallbacks / len(items):.1%})")
    print(f"service accuracy       {service_hits / len(with_service):.3f}"
          f"   ({service_hits}/{len(with_service)} questions naming a service)")
    print(f"spurious service       {spurious}/{len(without)} questions naming none")
    print("top confusions (gold -> predicted: count)")
    confusions = Counter((g, p) for g, p in zip(gold, predicted, strict=True) if g != p)
    for (g, p), count in confusions.most_common(10):
        print(f"  {g:>22} -> {p:<22} {count}")
    print()


def main() -> None:
    """Trains (or loads) the model and reports on every held-out file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="a trained model (.tar.gz); default: train")
    parser.add_argument("--heldout", type=Path, nargs="+", default=HELDOUT_FILES)
    args = parser.parse_args()

    started = time.perf_counter()
    model = args.model or train_model(project.VAR / "bench-models")
    print(f"model                  {model.name}   (trained in "
          f"{time.perf_counter() - started:.0f} s)\n")
    files = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in args.heldout]
    parses = asyncio.run(parse_all(model, [[i["text"] for i in items] for items in files]))
    for path, items, parsed in zip(args.heldout, files, parses, strict=True):
        report(path.resolve(), parsed, items)

if __name__ == "__main__":
    main()
