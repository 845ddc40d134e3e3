"""Load benchmark: assistant turns per second through the customer API, and their latency.

Usage (from the repository root; --start launches and seeds a server, --url uses a running
one whose process ids --server-pid names, so their CPU time can be read):

  .venv/bin/python bench/load.py closed --start sqlite --customers 8 --seconds 20
  .venv/bin/python bench/load.py closed --start sqlite --customers 1,8 --repeats 3
  .venv/bin/python bench/load.py closed --start postgres --workers 2 --customers 16
  .venv/bin/python bench/load.py open --start sqlite --rates 40,80,120,160 --p99-bound-ms 250
  .venv/bin/python bench/load.py closed --url http://127.0.0.1:8000 --server-pid 4242
  .venv/bin/python bench/load.py closed --start sqlite --against /tmp/before/src --repeats 3

closed: N customers at once, each starting a conversation and sending three messages, one
after the other's answer, then starting again. open: turns arrive at a fixed rate whatever
the answers' pace (latency counts from the planned arrival, so a slow server cannot slow the
clock down), one rate after another until p99 crosses the bound. --transport ws sends the
messages over the conversation's websocket instead of POST. A share of the customers
(--signed-share) sign in as seeded backend customers with the operator's HMAC; the rest are
anonymous. Messages are the simulator's phrases in eight languages.

Prints turns/s, p50/p90/p99 in ms, errors, the server processes' CPU seconds per turn (read
from /proc, so Linux only) and each server process's resident memory.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_clients import Customer, Target, customer_for
from load_compare import pair_order, pair_ratios, ratios_line
from load_procs import (
    cpu_by_process,
    cpu_of_named,
    cpu_shares,
    memory_report,
    server_cpu_seconds,
)
from load_server import ServerUnderTest, start_server

from relaydesk.packs.paylater.personas import LANGUAGE_WEIGHTS, PHRASES

TURN_KEYS = ("next_payment", "fees", "postpone", "yes")  # none of them asks for a person
MESSAGES_PER_VISIT = 3
# what --start postgres runs beside the server, by process name
BESIDE = ("postgres", "redis-server")


# ---- pure parts: what is said, how results are summarised -------------------------------


# Greetings and endings vary the texts so that the server's memo of recent query embeddings
# (256 texts) rarely holds one: each turn then pays for its embedding, as real traffic does.
GREETINGS = {
    "en": ("Hi", "Hello", "Hey there", "Good morning"),
    "sv": ("Hej", "Hallå", "God morgon"),
    "de": ("Hallo", "Guten Tag", "Moin"),
    "es": ("Hola", "Buenas", "Buenos días"),
    "fr": ("Bonjour", "Salut", "Bonsoir"),
    "it": ("Ciao", "Buongiorno", "Salve"),
    "pt": ("Olá", "Oi", "Bom dia"),
    "nl": ("Hallo", "Goedemorgen", "Hoi"),
}
ENDINGS = ("", " :)", " 🙂", " ...")
SIGNATURES = ("Anna", "Lars", "Maria", "Jonas", "Sofia", "Pedro", "Claire", "Luca", "Eva", "Tom")


def visit_messages(
    rng: random.Random, count: int = MESSAGES_PER_VISIT, plain: bool = False
) -> list[str]:
    """One visit's messages: a language by the simulator's weights, mixed questions in it;
    `plain` keeps the simulator's phrases as they are (then the embedding memo holds most)."""
    languages = list(LANGUAGE_WEIGHTS)
    language = rng.choices(languages, weights=[LANGUAGE_WEIGHTS[x] for x in languages])[0]
    keys = [key for key in TURN_KEYS if key in PHRASES[language]]
    messages = []
    for _ in range(count):
        phrase = rng.choice(PHRASES[language][rng.choice(keys)])
        if plain:
            messages.append(phrase)
            continue
        greeting = rng.choice((*GREETINGS[language], ""))
        said = f"{greeting}, {phrase[0].lower()}{phrase[1:]}" if greeting else phrase
        signed = f" - {rng.choice(SIGNATURES)}" if rng.random() < 0.7 else ""
        messages.append(said + rng.choice(ENDINGS) + signed)
    return messages


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(share * len(ordered) - 1e-9)))
    return ordered[rank - 1]


@dataclass
class Tally:
    """What one run observed: a latency per answered turn, and errors by kind."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class Summary:
    turns: int
    errors: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    cpu_s_per_turn: float | None
    client_cpu_s_per_turn: float | None = None

    @property
    def turns_per_s(self) -> float:
        return self.turns / self.seconds if self.seconds > 0 else 0.0

    @classmethod
    def of(
        cls,
        tally: Tally,
        seconds: float,
        cpu_seconds: float | None,
        client_cpu_seconds: float | None = None,
    ) -> Summary:
        turns = len(tally.latencies_ms)
        per_turn = cpu_seconds / turns if cpu_seconds is not None and turns else None
        client = client_cpu_seconds / turns if client_cpu_seconds is not None and turns else None
        return cls(
            turns=turns,
            errors=sum(tally.errors.values()),
            seconds=seconds,
            p50_ms=percentile(tally.latencies_ms, 0.50),
            p90_ms=percentile(tally.latencies_ms, 0.90),
            p99_ms=percentile(tally.latencies_ms, 0.99),
            cpu_s_per_turn=per_turn,
            client_cpu_s_per_turn=client,
        )

    def line(self) -> str:
        return (
            f"turns {self.turns:6d}  turns/s {self.turns_per_s:7.1f}  p50 {self.p50_ms:7.1f} ms"
            f"  p90 {self.p90_ms:7.1f} ms  p99 {self.p99_ms:7.1f} ms  errors {self.errors:4d}"
            f"  server CPU/turn {milliseconds(self.cpu_s_per_turn)}"
            f"  load generator CPU/turn {milliseconds(self.client_cpu_s_per_turn)}"
        )


@dataclass
class Side:
    """One server of a comparison: its name in the output, its client and its processes."""

    name: str
    target: Target
    pids: list[int]


def milliseconds(seconds: float | None) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds is not None else "n/a"


def knee(
    results: Sequence[tuple[float, Summary]], bound_ms: float
) -> tuple[float | None, float | None]:
    """The highest offered rate whose p99 stayed within the bound (and had under 1 % errors),
    and the first rate that crossed it; None where there is none."""
    within: float | None = None
    for rate, summary in results:
        failed = summary.errors > 0.01 * max(1, summary.turns + summary.errors)
        if summary.p99_ms > bound_ms or failed:
            return within, rate
        within = rate
    return within, None


# ---- the two loops ----------------------------------------------------------------------


async def timed_turn(customer: Customer, text: str, started: float, tally: Tally) -> bool:
    try:
        await customer.say(text)
    except Exception as error:  # counted, and the visit ends; the run goes on
        tally.errors[type(error).__name__ if not str(error) else str(error)[:60]] += 1
        return False
    tally.latencies_ms.append((time.perf_counter() - started) * 1000)
    return True


async def visit(target: Target, rng: random.Random, tally: Tally, deadline: float) -> None:
    customer = customer_for(target, rng)
    try:
        await customer.start()
        for text in visit_messages(rng, plain=target.plain_phrases):
            if time.perf_counter() >= deadline:
                return
            if not await timed_turn(customer, text, time.perf_counter(), tally):
                return
    except Exception as error:
        tally.errors[f"start: {type(error).__name__}"] += 1
    finally:
        await customer.close()


def stream(seed: int, *names: object) -> random.Random:
    """The random visits of one named part of a benchmark (a warm-up, a run, a customer).
    Each part gets visits of its own: a run that replayed an earlier one's texts would find
    them in the server's memos of predictions and embeddings, and measure a cheaper turn."""
    return random.Random("/".join(map(str, (seed, *names))))


async def closed_loop(
    target: Target, customers: int, seconds: float, seed: int, part: str
) -> Tally:
    """`customers` at once, each starting a new visit as soon as the last one ended."""
    tally = Tally()
    deadline = time.perf_counter() + seconds

    async def customer_loop(number: int) -> None:
        rng = stream(seed, part, f"customer {number}")
        while time.perf_counter() < deadline:
            await visit(target, rng, tally, deadline)

    await asyncio.gather(*(customer_loop(number) for number in range(customers)))
    return tally


async def open_loop(target: Target, rate: float, seconds: float, seed: int) -> Tally:
    """Turns arrive every 1/rate s; an arrival continues an idle visit or starts a new one."""
    tally = Tally()
    rng = stream(seed, f"open loop at {rate} per s")
    idle: list[tuple[Customer, list[str]]] = []
    begin = time.perf_counter()

    async def arrival(planned: float) -> None:
        if idle:
            customer, texts = idle.pop()
        else:
            customer, texts = (
                customer_for(target, rng),
                visit_messages(rng, plain=target.plain_phrases),
            )
            try:
                await customer.start()
            except Exception as error:
                tally.errors[f"start: {type(error).__name__}"] += 1
                await customer.close()
                return
        answered = await timed_turn(customer, texts.pop(0), planned, tally)
        if answered and texts:
            idle.append((customer, texts))
        else:
            await customer.close()

    tasks = []
    for number in range(int(rate * seconds)):
        planned = begin + number / rate
        await asyncio.sleep(max(0.0, planned - time.perf_counter()))
        tasks.append(asyncio.create_task(arrival(planned)))
    await asyncio.wait(tasks, timeout=seconds + 30)
    for customer, _texts in idle:
        await customer.close()
    return tally


async def measure(args: argparse.Namespace, target: Target, pids: Sequence[int]) -> None:
    if args.mode == "closed":
        for customers in args.customers:
            await closed_runs(args, target, pids, customers)
    else:
        await open_runs(args, target, pids)
    print("server memory:", *memory_report(pids), sep="\n")


async def closed_runs(
    args: argparse.Namespace, target: Target, pids: Sequence[int], customers: int
) -> None:
    """`--repeats` runs with `customers` at once on the same server, and their medians."""
    await warm_up(args, target, customers)
    summaries = [
        await closed_run(args, target, pids, customers, run) for run in range(1, args.repeats + 1)
    ]
    if len(summaries) > 1:
        print(f"median of {len(summaries)}, {customers} customers: {median_line(summaries)}")


async def compared_runs(args: argparse.Namespace, sides: Sequence[Side], customers: int) -> None:
    """`--repeats` pairs of runs, one on each server, alternating which goes first; both
    runs of a pair send the same visits."""
    for side in sides:
        await warm_up(args, side.target, customers, side.name)
    ratios = []
    for pair, order in enumerate(pair_order(args.repeats), start=1):
        results = {}
        for index in order:
            side = sides[index]
            results[index] = await closed_run(args, side.target, side.pids, customers, pair, side)
        ratios.append(pair_ratios(results[0], results[1]))
    print(
        f"{sides[0].name} over {sides[1].name}, {customers} customers, median of "
        f"{len(ratios)} pairs (each pair's): {ratios_line(ratios)}"
    )


async def warm_up(args: argparse.Namespace, target: Target, customers: int, name: str = "") -> None:
    if args.warmup_seconds > 0:
        part = f"warm-up for {customers} customers{' of ' + name if name else ''}"
        await closed_loop(target, customers, args.warmup_seconds, args.seed, part)


async def closed_run(
    args: argparse.Namespace,
    target: Target,
    pids: Sequence[int],
    customers: int,
    run: int,
    side: Side | None = None,
) -> Summary:
    load = Path("/proc/loadavg").read_text().split()[:3]
    before, started = server_cpu_seconds(pids), time.perf_counter()
    client_before, by_process = time.process_time(), cpu_by_process(pids)
    beside = cpu_of_named(BESIDE) if args.start == "postgres" else {}
    tally = await closed_loop(
        target, customers, args.seconds, args.seed, f"{customers} customers, run {run}"
    )
    summary = summarise(tally, started, before, pids, client_before)
    beside_line = beside_cpu_line(beside, cpu_of_named(BESIDE), summary.turns) if beside else ""
    which = f"{side.name}, pair" if side is not None else "run"
    print(
        f"closed loop, {customers} customers, {args.transport}, {which} {run}, "
        f"load average {' '.join(load)}: {summary.line()}"
    )
    if pids:
        print(f"  server CPU by process: {cpu_shares(by_process, cpu_by_process(pids))}")
    if beside_line:
        print(f"  {beside_line}")
    print_errors(tally)
    return summary


def beside_cpu_line(before: dict[str, float], after: dict[str, float], turns: int) -> str:
    """The database's and Redis's CPU a turn over one run: all of their processes', so on
    a database server that others use too their work counts as well."""
    if not turns:
        return ""
    each = (f"{name} {milliseconds((after[name] - before[name]) / turns)}" for name in before)
    return "beside the server, CPU/turn: " + ", ".join(each)


def median_line(summaries: Sequence[Summary]) -> str:
    """Each figure's median over the runs (not one run's figures)."""
    median = statistics.median
    cpu = [s.cpu_s_per_turn for s in summaries if s.cpu_s_per_turn is not None]
    client = [s.client_cpu_s_per_turn for s in summaries if s.client_cpu_s_per_turn is not None]
    return (
        f"turns/s {median([s.turns_per_s for s in summaries]):7.1f}"
        f"  p50 {median([s.p50_ms for s in summaries]):7.1f} ms"
        f"  p90 {median([s.p90_ms for s in summaries]):7.1f} ms"
        f"  p99 {median([s.p99_ms for s in summaries]):7.1f} ms"
        f"  errors {sum(s.errors for s in summaries):4d}"
        f"  server CPU/turn {milliseconds(median(cpu) if cpu else None)}"
        f"  load generator CPU/turn {milliseconds(median(client) if client else None)}"
    )


async def open_runs(args: argparse.Namespace, target: Target, pids: Sequence[int]) -> None:
    if args.warmup_seconds > 0:
        await closed_loop(target, args.customers[0], args.warmup_seconds, args.seed, "warm-up")
    print(f"load average before: {Path('/proc/loadavg').read_text().split()[:3]}")
    results: list[tuple[float, Summary]] = []
    for rate in (float(text) for text in args.rates.split(",")):
        before, started = server_cpu_seconds(pids), time.perf_counter()
        client_before = time.process_time()
        tally = await open_loop(target, rate, args.seconds, args.seed)
        summary = summarise(tally, started, before, pids, client_before)
        results.append((rate, summary))
        print(f"open loop, {rate:6.1f} turns/s offered, {args.transport}: {summary.line()}")
        print_errors(tally)
        if knee(results, args.p99_bound_ms)[1] is not None:
            break
    within, crossed = knee(results, args.p99_bound_ms)
    print(f"p99 within {args.p99_bound_ms:.0f} ms up to {within} turns/s; crossed at {crossed}")
    print(f"load average after: {Path('/proc/loadavg').read_text().split()[:3]}")


def summarise(
    tally: Tally,
    started: float,
    cpu_before: float | None,
    pids: Sequence[int],
    client_before: float,
) -> Summary:
    """`client_before`: this process's CPU time (time.process_time) when the run started."""
    seconds = time.perf_counter() - started
    cpu_after = server_cpu_seconds(pids)
    spent = cpu_after - cpu_before if cpu_after is not None and cpu_before is not None else None
    return Summary.of(tally, seconds, spent, time.process_time() - client_before)


def print_errors(tally: Tally) -> None:
    for kind, count in tally.errors.most_common(5):
        print(f"  error x{count}: {kind}")


def source_folder(text: str) -> Path:
    """A `src` folder holding the relaydesk package: any other path would be ignored on
    PYTHONPATH and the benchmark would quietly serve this checkout's code."""
    folder = Path(text)
    if not (folder / "relaydesk" / "__init__.py").is_file():
        raise argparse.ArgumentTypeError(
            f"{folder} holds no relaydesk package (relaydesk/__init__.py)"
        )
    return folder.resolve()


def customer_counts(text: str) -> list[int]:
    counts = [int(part) for part in text.split(",") if part.strip()]
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("give one or more counts of at least 1, e.g. 1,8")
    return counts


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", choices=("closed", "open"))
    parser.add_argument("--url", help="a running server (else --start one)")
    parser.add_argument("--server-pid", type=int, action="append", default=[])
    parser.add_argument("--start", choices=("sqlite", "postgres"))
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--server-src",
        type=source_folder,
        help="with --start: serve another version's src folder (e.g. an export of an older"
        " commit), for before-and-after runs with this same load",
    )
    parser.add_argument(
        "--against",
        type=source_folder,
        help="with --start, closed loop: also serve this src folder (B) beside this checkout"
        " or --server-src (A), and run --repeats pairs, A B then B A and so on, printing each"
        " pair's ratios and their median: the machine's swings then hit both alike",
    )
    parser.add_argument(
        "--customers",
        type=customer_counts,
        default=[8],
        help="at once, closed loop; several (1,8) are measured one after the other",
    )
    parser.add_argument("--repeats", type=int, default=1, help="runs per count, and medians")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup-seconds", type=float, default=3.0)
    parser.add_argument("--rates", default="40,80,120,160,200,250,300")
    parser.add_argument("--p99-bound-ms", type=float, default=250.0)
    parser.add_argument("--transport", choices=("http", "ws"), default="http")
    parser.add_argument("--signed-share", type=float, default=0.5)
    parser.add_argument("--identity-secret", default="bench-identity-secret")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--plain-phrases",
        action="store_true",
        help="send the simulator's phrases unvaried (the server's embedding memo holds most)",
    )
    parser.add_argument(
        "--nothing-remembered",
        action="store_true",
        help="with --start: the server understands every message afresh "
        "(RELAYDESK_REMEMBERED_TEXTS=0): the visits' phrases are few, so its memory of "
        "recent texts would answer many turns that real, more varied traffic pays for; a "
        "--server-src older than this option ignores it",
    )
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args(argv)
    if (args.url is None) == (args.start is None):
        parser.error("give exactly one of --url and --start")
    if args.against is not None and (args.start is None or args.mode != "closed"):
        parser.error("--against needs --start and the closed loop: it starts both servers")
    if args.nothing_remembered and args.start is None:
        parser.error("--nothing-remembered needs --start: a running server keeps its settings")
    return args


async def run(args: argparse.Namespace) -> None:
    if args.nothing_remembered:
        os.environ["RELAYDESK_REMEMBERED_TEXTS"] = "0"  # the started servers inherit it
    sources = [args.server_src] + ([args.against] if args.against is not None else [])
    servers: list[ServerUnderTest] = []
    try:
        for source in sources if args.start else []:
            servers.append(start_one(args, source))
        sides = [
            Side(name, target(args, server.url), [server.pid])
            for name, server in zip("AB", servers, strict=False)
        ] or [Side("A", target(args, args.url), args.server_pid)]
        async with AsyncExitStack() as opened:
            for side in sides:
                await opened.enter_async_context(side.target)
            if len(sides) == 2:
                await compare(args, sides, sources)
            else:
                await measure(args, sides[0].target, sides[0].pids)
        report_logged_errors(servers)
    finally:
        for server in servers:
            server.stop()


def start_one(args: argparse.Namespace, source: Path | None) -> ServerUnderTest:
    return start_server(
        args.start, args.workers, args.database_url, args.redis_url, args.identity_secret, source
    )


async def compare(
    args: argparse.Namespace, sides: Sequence[Side], sources: Sequence[Path | None]
) -> None:
    for side, source in zip(sides, sources, strict=True):
        print(f"{side.name}: {source or 'this checkout'}")
    for customers in args.customers:
        await compared_runs(args, sides, customers)
    print("server memory:", *memory_report([pid for side in sides for pid in side.pids]), sep="\n")


def report_logged_errors(servers: Sequence[ServerUnderTest]) -> None:
    for name, server in zip("AB", servers, strict=False):
        errors = server.logged_errors()
        common = Counter(errors).most_common(3)
        which = f"server {name}" if len(servers) > 1 else "server"
        print(
            f"{which} log: {len(errors)} error lines",
            *(f"{n} x {e}" for e, n in common),
            sep="\n  ",
        )


def target(args: argparse.Namespace, url: str) -> Target:
    found = Target(url, args.transport, args.signed_share, args.identity_secret)
    found.plain_phrases = args.plain_phrases
    return found


if __name__ == "__main__":
    asyncio.run(run(parse_args()))
