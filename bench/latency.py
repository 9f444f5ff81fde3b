"""Single-user latency of Dalil over HTTP: NLU parse, REST round trip, case lookup.

Starts the reference case service, the real action server and the Rasa server on loopback
(training a model first unless --model is given) and times sequential requests: held-out
questions, and the last turn of case-status lookups (the ID goes in, the status comes
back through the action server and the case service).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from bench.nlu_eval import ASKED, train_model  # noqa: E402
from dalil import project  # noqa: E402
from dalil.cases.seed import sample_cases  # noqa: E402
from dalil.processes import action_server, case_service, rasa_server  # noqa: E402


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (0-100) of ``samples``, in the same unit."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def timed(client: httpx.Client, url: str, body: dict) -> float:
    """Milliseconds for one POST, which must succeed."""
    started = time.perf_counter()
    client.post(url, json=body).raise_for_status()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    """Prints p50/p95 for /model/parse and /webhooks/rest/webhook."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    texts = [item["text"] for item in yaml.safe_load(ASKED.read_text(encoding="utf-8"))]
    texts = (texts * (args.requests // len(texts) + 1))[: args.requests]
    model = args.model or train_model(project.VAR / "bench-models")
    with tempfile.TemporaryDirectory() as workdir, case_service(
        {"DALIL_DATABASE_URL": f"sqlite:///{workdir}/cases.db"}
    ) as cases, action_server(
        {"DALIL_CASE_SERVICE_URL": cases, "DALIL_STORE_URL": f"sqlite:///{workdir}/store.db"}
    ) as actions, rasa_server(str(model), actions, workdir) as rasa, httpx.Client(
        timeout=30
    ) as client:
        for text in texts[:10]:  # warm up
            timed(client, f"{rasa}/webhooks/rest/webhook", {"sender": "warm", "message": text})
        parse = [timed(client, f"{rasa}/model/parse", {"text": t}) for t in texts]
        webhook = [
            timed(client, f"{rasa}/webhooks/rest/webhook", {"sender": f"u{i // 5}", "message": t})
            for i, t in enumerate(texts)
        ]
        lookup = []
        for i, case in enumerate(sample_cases()):
            url, sender = f"{rasa}/webhooks/rest/webhook", f"lookup-{i}"
            timed(client, url, {"sender": sender, "message": "متابعة طلب"})
            timed(client, url, {"sender": sender, "message": case.request_number})
            lookup.append(timed(client, url, {"sender": sender, "message": case.national_id}))
    print(f"{'endpoint':<26}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'mean ms':>10}")
    rows = (
        ("/model/parse", parse),
        ("/webhooks/rest/webhook", webhook),
        ("case lookup (last turn)", lookup),
    )
    for name, samples in rows:
        print(
            f"{name:<26}{len(samples):>6}{percentile(samples, 50):>10.1f}"
            f"{percentile(samples, 95):>10.1f}{statistics.fmean(samples):>10.1f}"
        )


if __name__ == "__main__":
    main()
