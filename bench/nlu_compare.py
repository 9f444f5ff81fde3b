"""Compares Rasa's stock NLU pipeline with Dalil's on ArBanking77 and on Dalil's held-out set.

What is measured, for two pipelines trained on the same data in the same process:

- "stock Rasa": WhitespaceTokenizer, CountVectorsFeaturizer over words and over character
  n-grams (char_wb, 1-4), LogisticRegressionClassifier;
- "Dalil": the NLU pipeline of config.yml (ArabicTokenizer, n-gram featurizers,
  LinearIntentClassifier, ...). On ArBanking77 it runs without FallbackClassifier,
  EntitySynonymMapper and CatalogEntityExtractor, so both pipelines answer with a plain
  intent; on the project's own data it runs in full.

For each: training wall time, intent accuracy and macro-F1 (scikit-learn), and parse latency
(p50/p95 of ``await agent.parse_message(text)``, one message at a time, as the server does)
over the ArBanking77 MSA test set and over the clean held-out questions. When Dalil answers
``nlu_fallback``, its top non-fallback intent is scored instead (as in bench/nlu_eval.py).
Rasa's training cache is disabled (RASA_MAX_CACHE_SIZE=0) so training times are honest.

Experiment 1, ArBanking77: train on ``Banking77_Arabized_MSA_PAL_train.csv`` (77 banking
intents, MSA and Palestinian dialect), report on the val split and on the MSA and PAL test
splits. Dataset: Jarrar, M., Birim, A., Khalilia, M., Erden, M., Ghanem, S. (2023)
"ArBanking77: Intent Detection Neural Model and a New Dataset in Modern and Dialectical
Arabic", ArabicNLP 2023; github.com/SinaLab/ArBanking77, licence CC BY-SA 4.0. Expected in
``../shared/data/arbanking77`` beside the repository.

Experiment 2, the project: train on bot/data/nlu with domain.yml, score the held-out
files (tests/data/heldout_*.yml, see bench/nlu_eval.py) and a noisy copy of them
(diacritics, tatweel, dropped hamzas, ة→ه, ى↔ي, Arabic-Indic digits; generated
deterministically with ``random.Random(7)``).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("RASA_MAX_CACHE_SIZE", "0")

from bench.nlu_eval import HELDOUT_FILES  # noqa: E402
from dalil import project  # noqa: E402

ARBANKING = ROOT.parent / "shared" / "data" / "arbanking77"
ARBANKING_TRAIN = "Banking77_Arabized_MSA_PAL_train.csv"
ARBANKING_EVAL = {
    "ArBanking77 val": "Banking77_Arabized_MSA_PAL_val.csv",
    "ArBanking77 MSA": "Banking77_Arabized_MSA_test.csv",
    "ArBanking77 PAL": "Banking77_Arabized_PAL_test.csv",
}
LATENCY_SET = "ArBanking77 MSA"
NLU_DATA = project.BOT_DATA / "nlu"
REFERENCE = "AraBERT (Jarrar et al. 2023): F1 0.921 MSA / 0.900 PAL (GPU fine-tuned)"

STOCK_PIPELINE: list[dict[str, Any]] = [
    {"name": "WhitespaceTokenizer"},
    {"name": "CountVectorsFeaturizer", "analyzer": "word"},
    {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
    {"name": "LogisticRegressionClassifier"},
]
# Components left out of Dalil's pipeline for a generic intent benchmark.
NOT_GENERIC = {
    "FallbackClassifier",
    "EntitySynonymMapper",
    "nlp.catalog_extractor.CatalogEntityExtractor",
}

DIACRITICS = "\u064e\u0650\u064f\u0651\u0652"  # fatha, kasra, damma, shadda, sukun
TATWEEL = "\u0640"
ARABIC_LETTERS = {chr(c) for c in range(0x0621, 0x064B)} - {TATWEEL}
# Letters that do not join the next one: no tatweel may follow them.
NON_JOINING = set("اأإآدذرزوؤةىء")
HAMZAS = str.maketrans("أإآ", "ااا")
INDIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@dataclass
class Row:
    """One line of the final table."""

    dataset: str
    pipeline: str
    train_s: float
    acc: float
    f1: float
    p50_ms: float | None = None
    p95_ms: float | None = None


@dataclass
class Parsed:
    """Predicted intents and per-message latencies of one evaluation set."""

    intents: list[str]
    latencies_ms: list[float] = field(default_factory=list)


# --- data -----------------------------------------------------------------------------------


def read_csv(path: Path) -> list[tuple[str, str]]:
    """Reads ``label,text`` rows, whitespace-collapsed, skipping empty texts."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [(r["label"].strip(), " ".join(r["text"].split())) for r in csv.DictReader(handle)]
    return [(label, text) for label, text in rows if text]


def intent_names(labels: list[str]) -> dict[str, str]:
    """Maps each Arabic label to a safe intent name ``i00``.. by sorted label."""
    return {label: f"i{i:02d}" for i, label in enumerate(sorted(set(labels)))}


def write_nlu_yaml(path: Path, examples: list[tuple[str, str]]) -> None:
    """Writes (intent, text) pairs as Rasa NLU YAML, escaping entity-annotation brackets."""
    by_intent: dict[str, list[str]] = {}
    for intent, text in examples:
        safe = text.replace("[", "(").replace("]", ")")
        by_intent.setdefault(intent, []).append(safe)
    nlu = [
        {"intent": intent, "examples": "".join(f"- {t}\n" for t in dict.fromkeys(texts))}
        for intent, texts in sorted(by_intent.items())
    ]
    dump_yaml(path, {"version": "3.1", "nlu": nlu})


def dump_yaml(path: Path, data: dict[str, Any]) -> None:
    """Writes ``data`` as UTF-8 YAML with block literals for multi-line strings."""

    def literal(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    class Dumper(yaml.SafeDumper):
        pass

    Dumper.add_representer(str, literal)
    path.write_text(
        yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


# --- noise ----------------------------------------------------------------------------------


def noisy_word(word: str, rng: random.Random) -> str:
    """Misspells one word the way people type: hamzas, ة/ه, ى/ي, tatweel, diacritics."""
    if rng.random() < 0.5:
        word = word.translate(HAMZAS)
    if word.endswith("ة") and rng.random() < 0.6:
        word = word[:-1] + "ه"
    if word[-1:] in "ىي" and rng.random() < 0.4:
        word = word[:-1] + ("ي" if word[-1] == "ى" else "ى")
    joins = [
        i
        for i in range(1, len(word))
        if word[i - 1] in ARABIC_LETTERS - NON_JOINING and word[i] in ARABIC_LETTERS
    ]
    if joins and rng.random() < 0.2:
        i = rng.choice(joins)
        word = word[:i] + TATWEEL * rng.randint(1, 3) + word[i:]
    return "".join(
        ch + rng.choice(DIACRITICS) if ch in ARABIC_LETTERS and rng.random() < 0.12 else ch
        for ch in word
    )


def noisy_text(text: str, rng: random.Random) -> str:
    """A noisy copy of ``text``: every word maybe misspelled, ASCII digits Arabic-Indic."""
    return " ".join(noisy_word(w, rng) for w in text.split()).translate(INDIC_DIGITS)


# --- pipelines, training, parsing -----------------------------------------------------------


def dalil_pipeline(generic: bool) -> list[dict[str, Any]]:
    """Dalil's NLU pipeline from config.yml; ``generic`` drops fallback, synonyms, catalog."""
    pipeline = yaml.safe_load(project.CONFIG.read_text(encoding="utf-8"))["pipeline"]
    if generic:
        return [c for c in pipeline if c["name"] not in NOT_GENERIC]
    kept = []
    for component in pipeline:
        if component["name"] == "nlp.catalog_extractor.CatalogEntityExtractor":
            catalog = ROOT / component.get("catalog", "bot/data/catalog.yml")
            if not catalog.exists():
                print(f"note: {catalog.relative_to(ROOT)} missing; CatalogEntityExtractor left out")
                continue
            component = {**component, "catalog": str(catalog)}
        kept.append(component)
    return kept


def write_config(path: Path, pipeline: list[dict[str, Any]]) -> Path:
    """Writes an NLU-only Rasa config (no policies) with ``pipeline``."""
    config = {"recipe": "default.v1", "language": "ar", "assistant_id": "nlu-compare"}
    dump_yaml(path, {**config, "pipeline": pipeline})
    return path


def train(config: Path, nlu: Path, domain: Path, output: Path, name: str) -> tuple[Path, float]:
    """Trains an NLU model; returns its archive and the wall time in seconds."""
    from rasa.model_training import train_nlu

    started = time.perf_counter()
    model = train_nlu(str(config), str(nlu), str(output), fixed_model_name=name, domain=str(domain))
    elapsed = time.perf_counter() - started
    if not model:
        raise SystemExit(f"training {name} failed")
    return Path(model), elapsed


def top_intent(parse: dict[str, Any]) -> str:
    """The predicted intent, or the best non-fallback one when Rasa answered nlu_fallback."""
    intent = parse["intent"]["name"]
    if intent == "nlu_fallback":
        ranking = [r for r in parse.get("intent_ranking", []) if r["name"] != "nlu_fallback"]
        intent = ranking[0]["name"] if ranking else intent
    return intent


async def parse_sets(model: Path, sets: dict[str, list[str]]) -> dict[str, Parsed]:
    """Parses every text of every set one by one, timing each ``parse_message``."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    results = {}
    for name, texts in sets.items():
        parsed = Parsed([])
        for text in texts:
            started = time.perf_counter()
            parse = await agent.parse_message(text)
            parsed.latencies_ms.append((time.perf_counter() - started) * 1000)
            parsed.intents.append(top_intent(parse))
        results[name] = parsed
    return results


def percentile(values: list[float], q: int) -> float:
    """The q-th percentile (1..99) of ``values``."""
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def score_rows(
    pipeline: str,
    train_s: float,
    gold: dict[str, list[str]],
    parsed: dict[str, Parsed],
    latency_set: str,
) -> list[Row]:
    """Accuracy and macro-F1 per set; latency percentiles on ``latency_set`` only."""
    from sklearn.metrics import accuracy_score, f1_score

    rows = []
    for name, want in gold.items():
        got = parsed[name].intents
        row = Row(
            name,
            pipeline,
            train_s,
            accuracy_score(want, got),
            f1_score(want, got, average="macro", zero_division=0),
        )
        if name == latency_set:
            row.p50_ms = percentile(parsed[name].latencies_ms, 50)
            row.p95_ms = percentile(parsed[name].latencies_ms, 95)
        rows.append(row)
    return rows


def run_pipelines(
    pipelines: dict[str, list[dict[str, Any]]],
    nlu: Path,
    domain: Path,
    sets: dict[str, tuple[list[str], list[str]]],
    latency_set: str,
    work: Path,
    output: Path,
    prefix: str,
) -> list[Row]:
    """Trains each pipeline on ``nlu`` and scores it on each (texts, gold intents) set."""
    rows = []
    texts = {name: pair[0] for name, pair in sets.items()}
    gold = {name: pair[1] for name, pair in sets.items()}
    for label, pipeline in pipelines.items():
        slug = f"{prefix}-{label.split()[0].lower()}"
        config = write_config(work / f"{slug}-config.yml", pipeline)
        print(f"\n== training {label} on {nlu.name} ...", flush=True)
        model, train_s = train(config, nlu, domain, output, slug)
        print(f"== {label}: trained in {train_s:.0f} s; parsing ...", flush=True)
        parsed = asyncio.run(parse_sets(model, texts))
        rows += score_rows(label, train_s, gold, parsed, latency_set)
    return rows


# --- experiments ----------------------------------------------------------------------------


def arbanking(output: Path) -> list[Row]:
    """Experiment 1: stock Rasa vs generic Dalil on ArBanking77."""
    if not ARBANKING.is_dir():
        print(f"ArBanking77 not found at {ARBANKING}; skipping experiment 1.")
        return []
    train_rows = read_csv(ARBANKING / ARBANKING_TRAIN)
    names = intent_names([label for label, _ in train_rows])
    sets = {}
    for name, file in ARBANKING_EVAL.items():
        rows = [(label, text) for label, text in read_csv(ARBANKING / file) if label in names]
        sets[name] = ([text for _, text in rows], [names[label] for label, _ in rows])
    print(
        f"ArBanking77: {len(train_rows)} training examples, {len(names)} intents; "
        + ", ".join(f"{n} {len(t)}" for n, (t, _) in sets.items())
    )
    with tempfile.TemporaryDirectory(prefix="nlu-compare-") as tmp:
        work = Path(tmp)
        nlu = work / "arbanking77_nlu.yml"
        write_nlu_yaml(nlu, [(names[label], text) for label, text in train_rows])
        domain = work / "domain.yml"
        dump_yaml(domain, {"version": "3.1", "intents": sorted(names.values())})
        pipelines = {"stock Rasa": STOCK_PIPELINE, "Dalil": dalil_pipeline(generic=True)}
        return run_pipelines(pipelines, nlu, domain, sets, LATENCY_SET, work, output, "arbanking")


def project_heldout(output: Path) -> list[Row]:
    """Experiment 2: stock Rasa vs full Dalil on the project's held-out questions."""
    missing = [str(p.relative_to(ROOT)) for p in (NLU_DATA, project.DOMAIN) if not p.exists()]
    if missing or not HELDOUT_FILES:
        print(f"project data missing ({', '.join(missing) or 'held-out files'}); "
              "skipping experiment 2.")
        return []
    items = [i for p in HELDOUT_FILES for i in yaml.safe_load(p.read_text(encoding="utf-8"))]
    texts = [str(item["text"]) for item in items]
    gold = [item["intent"] for item in items]
    rng = random.Random(7)
    noisy = [noisy_text(text, rng) for text in texts]
    warn_untrained(set(gold))
    sets = {"Dalil held-out": (texts, gold), "Dalil held-out noisy": (noisy, gold)}
    pipelines = {"stock Rasa": STOCK_PIPELINE, "Dalil": dalil_pipeline(generic=False)}
    with tempfile.TemporaryDirectory(prefix="nlu-compare-") as tmp:
        return run_pipelines(
            pipelines,
            NLU_DATA,
            project.DOMAIN,
            sets,
            "Dalil held-out",
            Path(tmp),
            output,
            "project",
        )


def warn_untrained(intents: set[str]) -> None:
    """Warns about held-out intents that no training file under bot/data/nlu mentions."""
    trained = set()
    for path in NLU_DATA.rglob("*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        trained |= {block["intent"] for block in data.get("nlu", []) if "intent" in block}
    if unseen := sorted(intents - trained):
        print(f"warning: held-out intents without training examples: {', '.join(unseen)}")


# --- report ---------------------------------------------------------------------------------


def print_table(rows: list[Row]) -> None:
    """Prints the rows as one aligned plain-text table, then the published reference."""

    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value:.1f}"

    header = ("dataset", "pipeline", "train s", "acc", "macro-F1", "p50 ms", "p95 ms")
    lines = [
        (
            r.dataset,
            r.pipeline,
            f"{r.train_s:.0f}",
            f"{r.acc:.3f}",
            f"{r.f1:.3f}",
            ms(r.p50_ms),
            ms(r.p95_ms),
        )
        for r in sorted(rows, key=lambda r: dataset_order(rows, r.dataset))
    ]
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]
    print()
    for line in [header, *lines]:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        )
    print(f"\nreference: {REFERENCE}")


def dataset_order(rows: list[Row], dataset: str) -> int:
    """Position of a dataset's first appearance, so rows group by dataset."""
    return [r.dataset for r in rows].index(dataset)


def quiet_rasa() -> None:
    """Rasa logs every parse at debug level by default: keep warnings only (and fast parses)."""
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)


def main() -> None:
    """Runs the selected experiments and prints the comparison table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["arbanking", "project"], help="run one experiment")
    parser.add_argument("--models-dir", type=Path, default=ROOT / "var" / "bench-compare")
    args = parser.parse_args()

    quiet_rasa()
    args.models_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    if args.only in (None, "arbanking"):
        rows += arbanking(args.models_dir)
    if args.only in (None, "project"):
        rows += project_heldout(args.models_dir)
    if rows:
        print_table(rows)
    else:
        print("nothing measured.")


if __name__ == "__main__":
    main()
