"""Load test: many concurrent simulated clients in Arabic over the REST channel.

Starts the real processes on loopback (case service, action server(s), Rasa server(s)) and
runs N concurrent clients for a fixed time per configuration. Each client is a user who
goes through short scripted conversations, a fresh sender per conversation (a service
question with follow-ups and office hours; a case-status lookup with a correct request
number / national ID pair from the sample cases; held-out questions), and waits for each
answer before sending the next message.

Configurations: "one" (one Rasa server, one action server) and "two" (two Rasa replicas
behind a round-robin proxy in this script, two action servers). "two" always runs on the
production engines: endpoints.production.yml (PostgreSQL tracker store in a fresh database,
Redis lock store), store and case service in throw-away PostgreSQL schemas. "one" uses the
same production engines by default, for a fair comparison, or the single-machine defaults
(in-memory trackers and lock, SQLite) with --one-engines local.

Reports per configuration: throughput, p50/p95/p99 latency, errors (non-200, timeouts,
empty replies), wrong case-lookup answers, and the resident memory of every process started.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from bench.latency import percentile  # noqa: E402
from bench.nlu_eval import ASKED, train_model  # noqa: E402
from dalil import project  # noqa: E402
from dalil.cases.seed import sample_cases  # noqa: E402
from dalil.processes import CASE_APP, UVICORN_FLAGS, free_port, running  # noqa: E402

PRODUCTION_ENDPOINTS = ROOT / "endpoints.production.yml"
# Asked questions a user asks in passing; not those that open a form or a ticket.
PASSING_INTENTS = {
    "ask_channels", "ask_contact", "ask_customer_charter", "ask_duration", "ask_fees",
    "ask_office_hours", "ask_office_location", "ask_requirements", "ask_service_overview",
    "ask_steps", "bot_challenge", "list_services", "out_of_scope",
}  # fmt: skip
GREETINGS = ["السلام عليكم", "مرحبا", "هلا", "صباح الخير"]
THANKS = ["شكرا", "شكرا جزيلا", "يعطيك العافية"]
CASE_REPLY = "حالة الطلب رقم"  # how the answer to a successful lookup starts


@dataclass
class Proc:
    """One process started for a configuration, for the memory report."""

    name: str
    pid: int


@dataclass
class Result:
    """What one configuration's run measured."""

    latencies: list[float] = field(default_factory=list)
    finished_at: list[float] = field(default_factory=list)  # seconds into the run
    non_200: int = 0
    timeouts: int = 0
    transport: int = 0
    empty: int = 0
    lookups: int = 0
    lookups_wrong: int = 0
    elapsed: float = 0.0
    started: float = 0.0  # perf_counter at the start of the measured window
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds in the window
    machine_busy: float = 0.0  # share of all CPUs busy in the window

    @property
    def errors(self) -> int:
        return self.non_200 + self.timeouts + self.transport + self.empty


# --- conversations ---------------------------------------------------------------------


def conversations(asked: list[str], seed: int) -> Iterator[list[tuple[str, str]]]:
    """Endless short scripted conversations: (kind, message) turns; "id" marks the lookup."""
    rng = random.Random(seed)
    cases = itertools.cycle(rng.sample(list(sample_cases()), k=len(list(sample_cases()))))
    scripts = itertools.cycle(["service", "lookup", "asked"])
    for script in scripts:
        turns = [("chat", rng.choice(GREETINGS))]
        if script == "service":
            turns += [
                ("chat", "كم رسوم نقل الكفالة؟"),
                ("chat", "وش الاوراق المطلوبة"),
                ("chat", "وكم ياخذ وقت"),
                ("chat", rng.choice(["وش اوقات الدوام", "متى يفتح مكتب العمل"])),
            ]
        elif script == "lookup":
            case = next(cases)
            turns += [
                ("chat", "ابي اتابع طلبي"),
                ("chat", case.request_number),
                ("id", case.national_id),
            ]
        else:
            turns += [("chat", text) for text in rng.sample(asked, 3)]
        turns.append(("chat", rng.choice(THANKS)))
        yield turns


def asked_questions() -> list[str]:
    items = yaml.safe_load(ASKED.read_text(encoding="utf-8"))
    return [item["text"] for item in items if item["intent"] in PASSING_INTENTS]


async def simulated_client(
    client: httpx.AsyncClient, url: str, index: int, run: str, deadline: float,
    asked: list[str], result: Result, think: float = 0.0,
) -> None:  # fmt: skip
    """One user: conversation after conversation until the deadline.

    ``think`` is the mean time the user takes to read an answer before typing the next
    message (0.5 to 1.5 times it, at random); 0 sends the next message at once.
    """
    pause = random.Random(index)
    for number, turns in enumerate(conversations(asked, seed=index)):
        sender = f"load-{run}-{index}-{number}"
        for kind, message in turns:
            if time.monotonic() >= deadline:
                return
            started = time.perf_counter()
            try:
                response = await client.post(url, json={"sender": sender, "message": message})
            except httpx.TimeoutException:
                result.timeouts += 1
                continue
            except httpx.HTTPError:
                result.transport += 1
                continue
            result.latencies.append((time.perf_counter() - started) * 1000)
            result.finished_at.append(time.perf_counter() - result.started)
            if response.status_code != 200:
                result.non_200 += 1
                continue
            replies = response.json()
            texts = [m.get("text") or "" for m in replies]
            if not any(texts) and not any(m.get("custom") or m.get("image") for m in replies):
                result.empty += 1
            if kind == "id":
                result.lookups += 1
                result.lookups_wrong += not (texts and texts[0].startswith(CASE_REPLY))
            if think:
                await asyncio.sleep(think * pause.uniform(0.5, 1.5))


async def drive(
    base: str, clients: int, seconds: float, timeout: float, procs: list[Proc],
    think: float = 0.0,
) -> Result:
    """Warms every replica up, then runs ``clients`` concurrent users for ``seconds``."""
    url = f"{base}/webhooks/rest/webhook"
    asked = asked_questions()
    run = uuid.uuid4().hex[:8]
    limits = httpx.Limits(max_connections=clients + 10, max_keepalive_connections=clients + 10)
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:
        for i, text in enumerate(asked[:8]):  # warm up (both replicas behind the proxy)
            await client.post(url, json={"sender": f"warm-{run}-{i}", "message": text})
        result = Result()
        before, busy_before = cpu_snapshot(procs), machine_ticks()
        started = time.monotonic()
        result.started = time.perf_counter()
        await asyncio.gather(*(
            simulated_client(client, url, i, run, started + seconds, asked, result, think)
            for i in range(clients)
        ))  # fmt: skip
        result.elapsed = time.monotonic() - started
        after, busy_after = cpu_snapshot(procs), machine_ticks()
    # max(): a PostgreSQL backend that exits in the window takes its CPU time with it
    result.cpu = {name: max(after[name] - before.get(name, 0.0), 0.0) for name in after}
    busy, total = (a - b for a, b in zip(busy_after, busy_before, strict=True))
    result.machine_busy = busy / total if total else 0.0
    others = busy / os.sysconf("SC_CLK_TCK") - sum(result.cpu.values())
    result.cpu["everything else on the machine"] = max(others, 0.0)
    return result


# --- round-robin proxy -----------------------------------------------------------------


@contextmanager
def round_robin(backends: list[str]) -> Iterator[str]:
    """An HTTP proxy on loopback that sends each request to the next backend in turn.

    Runs on its own event loop in a thread, so the clients' loop does not delay it.
    """
    import threading

    from aiohttp import web

    turn = itertools.count()
    port = free_port()
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    state: dict = {}

    async def forward(request: web.Request) -> web.Response:
        backend = backends[next(turn) % len(backends)]
        upstream = await state["client"].request(
            request.method,
            backend + request.path_qs,
            content=await request.read(),
            headers={"content-type": request.headers.get("content-type", "application/json")},
        )
        return web.Response(body=upstream.content, status=upstream.status_code,
                            content_type="application/json")  # fmt: skip

    async def start() -> None:
        state["client"] = httpx.AsyncClient(
            timeout=120, limits=httpx.Limits(max_connections=200, max_keepalive_connections=200)
        )
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", forward)
        state["runner"] = web.AppRunner(app, access_log=None)
        await state["runner"].setup()
        await web.TCPSite(state["runner"], "127.0.0.1", port).start()
        ready.set()

    async def stop() -> None:
        await state["runner"].cleanup()
        await state["client"].aclose()

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=30)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(stop(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)


# --- processes -------------------------------------------------------------------------


def start(stack: ExitStack, procs: list[Proc], name: str, args: list[str], health: str,
          env: dict[str, str] | None = None) -> None:  # fmt: skip
    """Starts ``python args`` until the stack closes, remembering its pid."""
    process = stack.enter_context(running(args, health, env))
    procs.append(Proc(name, process.pid))


def start_case_service(stack: ExitStack, procs: list[Proc], database_url: str) -> str:
    port = free_port()
    args = ["-m", "uvicorn", CASE_APP, "--port", str(port), *UVICORN_FLAGS]
    start(stack, procs, "case service", args, f"http://127.0.0.1:{port}/health",
          {"DALIL_DATABASE_URL": database_url})  # fmt: skip
    return f"http://127.0.0.1:{port}"


def start_action_server(stack: ExitStack, procs: list[Proc], name: str, env: dict) -> str:
    port = free_port()
    args = ["-m", "rasa_sdk", "--actions", project.ACTIONS_MODULE, "--port", str(port)]
    start(stack, procs, name, args, f"http://127.0.0.1:{port}/health", env)
    return f"http://127.0.0.1:{port}/webhook"


def start_rasa(stack: ExitStack, procs: list[Proc], name: str, model: Path, endpoints: Path,
               env: dict[str, str]) -> str:  # fmt: skip
    port = free_port()
    args = [
        "-m", "rasa", "run", "--enable-api", "--model", str(model),
        "--endpoints", str(endpoints), "--credentials", str(project.CREDENTIALS),
        "--port", str(port),
    ]  # fmt: skip
    start(stack, procs, name, args, f"http://127.0.0.1:{port}/", env)
    return f"http://127.0.0.1:{port}"


def production_env(action_url: str, trackers: str) -> dict[str, str]:
    """What endpoints.production.yml reads: PostgreSQL trackers, Redis lock store."""
    return {
        "DALIL_ACTION_URL": action_url,
        "DALIL_TRACKER_DB_HOST": "127.0.0.1", "DALIL_TRACKER_DB_PORT": "5432",
        "DALIL_TRACKER_DB_NAME": trackers, "DALIL_TRACKER_DB_USER": "postgres",
        "DALIL_TRACKER_DB_PASSWORD": "",
        "DALIL_REDIS_HOST": "127.0.0.1", "DALIL_REDIS_PORT": "6379", "DALIL_REDIS_DB": "0",
    }  # fmt: skip


@contextmanager
def deployment(
    replicas: int, model: Path, engines: str, workdir: Path
) -> Iterator[tuple[str, list[Proc]]]:
    """``replicas`` Rasa servers, each with its own action server; yields the URL and pids."""
    procs: list[Proc] = []
    with ExitStack() as stack:
        if engines == "production":
            from tests.conftest import database
            from tests.scale.test_replicas import tracker_database

            trackers = stack.enter_context(tracker_database())
            store_url = stack.enter_context(database("postgresql", workdir))
            cases_db = stack.enter_context(database("postgresql", workdir))
        else:
            trackers = ""
            store_url = f"sqlite:///{workdir / f'store-{uuid.uuid4().hex[:8]}.db'}"
            cases_db = f"sqlite:///{workdir / f'cases-{uuid.uuid4().hex[:8]}.db'}"
        cases = start_case_service(stack, procs, cases_db)
        env = {"DALIL_STORE_URL": store_url, "DALIL_CASE_SERVICE_URL": cases}
        urls = []
        for i in range(1, replicas + 1):
            suffix = f" {i}" if replicas > 1 else ""
            actions = start_action_server(stack, procs, f"action server{suffix}", env)
            if engines == "production":
                endpoints, rasa_env = PRODUCTION_ENDPOINTS, production_env(actions, trackers)
            else:
                endpoints, rasa_env = workdir / f"endpoints-{i}.yml", {}
                endpoints.write_text(f'action_endpoint:\n  url: "{actions}"\n', encoding="utf-8")
            urls.append(start_rasa(stack, procs, f"rasa{suffix}", model, endpoints, rasa_env))
        base = urls[0] if replicas == 1 else stack.enter_context(round_robin(urls))
        yield base, procs


def family(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    pids = [pid]
    for parent in pids:  # grows while walking: every descendant
        for task in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                pids += [int(child) for child in task.read_text().split()]
            except OSError:
                continue
    return pids


def cpu_of(pid: int) -> float:
    """User + system CPU seconds a process has used so far (all its threads)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_snapshot(procs: list[Proc]) -> dict[str, float]:
    """CPU seconds so far of each started process, of this process (load generator and
    proxy), and of every PostgreSQL and Redis process on the machine."""
    snapshot = {p.name: sum(cpu_of(each) for each in family(p.pid)) for p in procs}
    snapshot["load generator + proxy"] = cpu_of(os.getpid())
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "comm").read_text().strip()
        except OSError:
            continue
        for prefix, label in (("postgres", "PostgreSQL (machine)"), ("redis", "Redis (machine)")):
            if command.startswith(prefix):
                snapshot[label] = snapshot.get(label, 0.0) + cpu_of(int(entry.name))
    return snapshot


def machine_ticks() -> tuple[int, int]:
    """Busy and total CPU ticks of the whole machine so far (/proc/stat)."""
    # user nice system idle iowait irq softirq steal (guest time is already in user)
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def memory_mb(pid: int) -> tuple[float, float]:
    """Resident memory now and at its peak (VmRSS, VmHWM) in MB, children included."""
    pids = family(pid)
    totals = [0.0, 0.0]
    for each in pids:
        try:
            status = Path(f"/proc/{each}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                totals[key == "VmHWM"] += int(value.split()[0]) / 1024
    return totals[0], totals[1]


# --- report ----------------------------------------------------------------------------


def report(title: str, clients: int, result: Result, memory: list[tuple[str, float, float]]):
    samples = result.latencies or [float("nan")]
    completed = len(result.latencies)
    print(f"\n== {title}")
    print(f"clients                {clients}")
    print(f"duration               {result.elapsed:.1f} s")
    print(f"requests               {completed}  (answered; +{result.timeouts} timed out,"
          f" +{result.transport} connection errors)")  # fmt: skip
    print(f"throughput             {completed / result.elapsed:.2f} req/s")
    print(f"latency p50/p95/p99    {percentile(samples, 50):.0f} / {percentile(samples, 95):.0f}"
          f" / {percentile(samples, 99):.0f} ms   (mean {statistics.fmean(samples):.0f},"
          f" max {max(samples):.0f})")  # fmt: skip
    print(
        f"errors                 {result.errors}  (non-200 {result.non_200}, timeouts"
        f" {result.timeouts}, connection {result.transport}, empty replies {result.empty})"
    )
    print(f"case lookups           {result.lookups}  (wrong answer: {result.lookups_wrong})")
    windows = []
    step = result.elapsed / 4
    for quarter in range(4):
        inside = [
            ms
            for ms, at in zip(result.latencies, result.finished_at, strict=True)
            if quarter * step <= at < (quarter + 1) * step or (quarter == 3 and at >= 4 * step)
        ]
        windows.append(f"{percentile(inside, 95):.0f}" if inside else "-")
    print(f"p95 by quarter of run  {' / '.join(windows)} ms")
    print(
        f"CPU busy (machine)     {result.machine_busy:.0%} of {os.cpu_count()} CPUs;"
        " CPU seconds in the run (per request):"
    )
    for name, seconds in sorted(result.cpu.items(), key=lambda item: -item[1]):
        print(f"  {name:<25}{seconds:>7.1f} s  ({seconds / max(completed, 1) * 1000:.0f} ms)")
    print(f"{'process':<23}{'RSS MB':>8}{'peak MB':>9}")
    for name, rss, peak in memory:
        print(f"{name:<23}{rss:>8.0f}{peak:>9.0f}")
    print(f"{'total':<23}{sum(m[1] for m in memory):>8.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--model", type=Path, help="a trained model (.tar.gz); default: train")
    parser.add_argument("--only", choices=["one", "two"])
    parser.add_argument("--one-engines", choices=["production", "local"], default="production",
                        help="configuration one on PostgreSQL + Redis (default) or in-memory"
                        " trackers + SQLite")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=30, help="per request, seconds")
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean seconds a user reads before the next message (0: none)")
    args = parser.parse_args()
    print(f"users read each answer for {args.think:g} s on average before the next message"
          if args.think else "users send the next message as soon as an answer arrives")

    if args.model:
        model = args.model.resolve()
        print(f"model                  {model.name}  (given with --model, not trained)")
    else:
        started = time.perf_counter()
        model = train_model(project.VAR / "bench-models")
        print(f"model                  {model.name}  (trained in"
              f" {time.perf_counter() - started:.0f} s)")  # fmt: skip
    print(f"machine                {os.cpu_count()} CPUs; load generator, proxy, PostgreSQL"
          " and Redis share them")  # fmt: skip
    configurations = [
        ("one", 1, args.one_engines),
        ("two", 2, "production"),
    ]
    with tempfile.TemporaryDirectory() as workdir:
        for name, replicas, engines in configurations:
            if args.only and args.only != name:
                continue
            with deployment(replicas, model, engines, Path(workdir)) as (base, procs):
                result = asyncio.run(drive(base, args.clients, args.seconds, args.timeout, procs,
                                           args.think))
                memory = [(p.name, *memory_mb(p.pid)) for p in procs]
            where = (
                "PostgreSQL tracker store + Redis lock store, store and cases on PostgreSQL"
                if engines == "production"
                else "in-memory tracker store and lock, store and cases on SQLite"
            )
            title = (
                "one replica: 1 Rasa server + 1 action server"
                if replicas == 1
                else "two replicas behind a round-robin proxy: 2 Rasa servers + 2 action servers"
            )
            report(f"{title}; {where}", args.clients, result, memory)


if __name__ == "__main__":
    main()
