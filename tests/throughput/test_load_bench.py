"""bench/load.py's pure parts, whose numbers docs/performance.md quotes, on made-up data."""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import pytest

from support.bench_scripts import load_script

load = load_script("load")
procs = load_script("load_procs")


def summary(p99_ms: float, turns: int = 100, errors: int = 0) -> object:
    tally = load.Tally(latencies_ms=[p99_ms] * turns)
    tally.errors["HTTP 500"] = errors
    return load.Summary.of(tally, seconds=10.0, cpu_seconds=None)


def test_percentiles_are_nearest_rank_over_the_latencies() -> None:
    latencies = [float(value) for value in range(1, 101)]  # 1 .. 100 ms
    assert load.percentile(latencies, 0.50) == 50.0
    assert load.percentile(latencies, 0.90) == 90.0
    assert load.percentile(latencies, 0.99) == 99.0
    assert load.percentile([7.0], 0.99) == 7.0
    assert load.percentile([], 0.5) == 0.0


def test_a_summary_counts_turns_per_second_and_server_cpu_per_turn() -> None:
    tally = load.Tally(latencies_ms=[10.0, 20.0, 30.0, 40.0])
    tally.errors["HTTP 503"] += 2
    result = load.Summary.of(tally, seconds=2.0, cpu_seconds=0.1, client_cpu_seconds=0.02)
    assert result.turns == 4 and result.errors == 2
    assert result.turns_per_s == 2.0
    assert result.cpu_s_per_turn == pytest.approx(0.025)
    assert "turns/s     2.0" in result.line() and "server CPU/turn 25.0 ms" in result.line()
    assert "load generator CPU/turn 5.0 ms" in result.line()


def test_without_server_processes_cpu_per_turn_is_not_invented() -> None:
    result = load.Summary.of(load.Tally(latencies_ms=[5.0]), seconds=1.0, cpu_seconds=None)
    assert result.cpu_s_per_turn is None and "n/a" in result.line()


def test_the_knee_is_the_last_rate_within_the_bound_and_the_first_beyond_it() -> None:
    results = [
        (40.0, summary(90)),
        (80.0, summary(180)),
        (120.0, summary(400)),
        (160.0, summary(900)),
    ]
    assert load.knee(results, 250.0) == (80.0, 120.0)
    assert load.knee(results[:2], 250.0) == (80.0, None)
    assert load.knee(results[2:], 250.0) == (None, 120.0)


def test_a_rate_with_more_than_one_percent_errors_crosses_the_bound_however_fast() -> None:
    results = [(40.0, summary(50)), (80.0, summary(50, turns=100, errors=5))]
    assert load.knee(results, 250.0) == (40.0, 80.0)


def languages_of(message: str) -> set[str]:
    from relaydesk.packs.paylater.personas import PHRASES

    lowered = message.lower()
    return {
        language
        for language, keys in PHRASES.items()
        if any(phrase.lower() in lowered for phrases in keys.values() for phrase in phrases)
    }


def test_a_visit_speaks_one_language_and_never_asks_for_a_person() -> None:
    from relaydesk.packs.paylater.personas import PHRASES

    rng = random.Random(3)
    asking = [phrase.lower() for phrase in PHRASES["en"]["person"]]
    for _ in range(200):
        messages = load.visit_messages(rng)
        assert len(messages) == 3
        assert set.intersection(*(languages_of(message) for message in messages)), messages
        assert not any(ask in message.lower() for message in messages for ask in asking)


def test_visits_mix_several_languages_and_rarely_repeat_a_text() -> None:
    rng = random.Random(5)
    said = [message for _ in range(300) for message in load.visit_messages(rng)]
    assert len(set().union(*(languages_of(message) for message in said))) >= 5
    # the server remembers 256 recent texts; most turns must still embed theirs
    assert len(set(said)) > 0.8 * len(said)


def test_cpu_seconds_come_from_utime_and_stime_even_when_the_name_has_spaces() -> None:
    # pid (comm) state ppid ... field 14 utime=250, field 15 stime=50 (clock ticks)
    fields = ["S", "1"] + ["0"] * 9 + ["250", "50"] + ["0"] * 30
    stat = "4242 (python3 -m relaydesk) " + " ".join(fields)
    assert procs.cpu_seconds_from_stat(stat, ticks=100) == 3.0


def test_cpu_shares_say_how_evenly_the_processes_worked() -> None:
    before = {10: 5.0, 11: 4.0, 12: 0.1}
    assert procs.cpu_shares(before, {10: 8.0, 11: 7.0, 12: 0.1}) == "10 50 %, 11 50 %"
    lopsided = procs.cpu_shares(before, {10: 9.0, 11: 4.2, 12: 0.4})
    assert lopsided == "10 89 %, 11 4 %, 12 7 %"
    assert procs.cpu_shares(before, {10: 5.0, 13: 0.0}) == "no CPU spent"


def test_resident_memory_is_read_from_vmrss_in_bytes() -> None:
    status = "Name:\tpython3\nVmPeak:\t  900000 kB\nVmRSS:\t  307200 kB\nThreads:\t4\n"
    assert procs.resident_bytes_from_status(status) == 300 * 2**20
    assert procs.resident_bytes_from_status("Name:\tzombie\n") == 0


def test_the_process_tree_of_this_test_includes_a_child_it_started() -> None:
    import subprocess

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"])
    try:
        import os

        tree = procs.process_tree([os.getpid()])
        assert os.getpid() in tree and child.pid in tree
        assert procs.server_cpu_seconds([child.pid]) is not None
    finally:
        child.kill()
        child.wait()


def test_plain_phrases_are_the_simulators_own_words_unchanged() -> None:
    from relaydesk.packs.paylater.personas import PHRASES

    known = {phrase for keys in PHRASES.values() for phrases in keys.values() for phrase in phrases}
    rng = random.Random(9)
    assert all(m in known for _ in range(50) for m in load.visit_messages(rng, plain=True))


def test_repeated_runs_report_each_figures_median_not_one_runs() -> None:
    runs = []
    for turns, p99, cpu in ((100, 90.0, 1.0), (300, 30.0, 3.0), (200, 60.0, 5.0)):
        tally = load.Tally(latencies_ms=[p99] * turns)
        runs.append(load.Summary.of(tally, seconds=10.0, cpu_seconds=cpu))
    line = load.median_line(runs)
    assert "turns/s    20.0" in line and "p99    60.0 ms" in line
    assert "server CPU/turn 10.0 ms" in line  # 5/200 = 25 ms, 1/100 = 10 ms, 3/300 = 10 ms


def test_several_customer_counts_are_given_with_commas() -> None:
    args = load.parse_args(["closed", "--start", "sqlite", "--customers", "1,8", "--repeats", "3"])
    assert args.customers == [1, 8] and args.repeats == 3
    with pytest.raises(SystemExit):
        load.parse_args(["closed", "--start", "sqlite", "--customers", "0"])


def test_only_a_server_the_benchmark_starts_can_be_told_to_remember_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert load.parse_args(["closed", "--start", "sqlite", "--nothing-remembered"])
    with pytest.raises(SystemExit) as refused:
        load.parse_args(["closed", "--url", "http://127.0.0.1:8000", "--nothing-remembered"])
    assert refused.value.code == 2
    assert "needs --start" in capsys.readouterr().err


def test_every_part_of_a_benchmark_sends_visits_of_its_own() -> None:
    parts = [("warm-up for 1 customers", 0), ("1 customers, run 1", 0), ("1 customers, run 2", 0)]
    parts += [("8 customers, run 1", number) for number in range(8)]
    first_visits = [
        tuple(load.visit_messages(load.stream(7, part, f"customer {number}")))
        for part, number in parts
    ]
    assert len(set(first_visits)) == len(parts)
    again = load.visit_messages(load.stream(7, "1 customers, run 1", "customer 0"))
    assert tuple(again) == first_visits[1]  # the same part, the same visits: runs repeat


def test_a_server_src_without_relaydesk_is_refused(tmp_path: Path) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="holds no relaydesk package"):
        load.source_folder(str(tmp_path))
    (tmp_path / "relaydesk").mkdir()
    (tmp_path / "relaydesk" / "__init__.py").write_text("")
    assert load.source_folder(str(tmp_path)) == tmp_path.resolve()


def test_the_server_logs_error_lines_are_its_exceptions_and_error_records(
    tmp_path: Path,
) -> None:
    servers = load_script("load_server")
    folder = servers.tempfile.TemporaryDirectory(dir=tmp_path)
    (Path(folder.name) / "server.log").write_text(
        "INFO: started\n"
        "policy of tool find_orders failed\n"
        "Traceback (most recent call last):\n"
        '  File "x.py", line 1, in f\n'
        "AttributeError: 'Engine' object has no attribute 'deps'\n"
        "ERROR:    Exception in ASGI application\n"
        "a reply mentioning an Error in passing\n"
    )
    server = servers.ServerUnderTest(process=None, url="", folder=folder)
    try:
        assert server.logged_errors() == [
            "AttributeError: 'Engine' object has no attribute 'deps'",
            "ERROR:    Exception in ASGI application",
        ]
    finally:
        folder.cleanup()


compare = load_script("load_compare")


def test_pairs_alternate_which_side_runs_first() -> None:
    assert compare.pair_order(4) == [(0, 1), (1, 0), (0, 1), (1, 0)]
    assert compare.pair_order(1) == [(0, 1)]


def test_each_pair_gives_this_side_over_the_other_and_the_median_of_the_pairs() -> None:
    def run(turns: int, p99: float, cpu: float | None) -> object:
        return load.Summary.of(load.Tally(latencies_ms=[p99] * turns), 10.0, cpu)

    ratios = [
        compare.pair_ratios(run(120, 200.0, 1.2), run(100, 250.0, 1.0)),
        compare.pair_ratios(run(90, 300.0, 0.81), run(100, 300.0, 1.0)),
        compare.pair_ratios(run(150, 100.0, None), run(100, 200.0, 1.0)),
    ]
    assert ratios[0] == {"turns/s": 1.2, "p99": 0.8, "server CPU/turn": 1.0}
    line = compare.ratios_line(ratios)
    assert "turns/s 1.20 (1.20, 0.90, 1.50)" in line
    assert "p99 0.80 (0.80, 1.00, 0.50)" in line
    # a run without the server's CPU gives no ratio for it, and the median skips it
    assert "server CPU/turn 0.95 (1.00, 0.90)" in line


def test_against_needs_a_started_server_and_the_closed_loop(tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "relaydesk").mkdir(parents=True)
    (src / "relaydesk" / "__init__.py").write_text("")
    args = load.parse_args(["closed", "--start", "sqlite", "--against", str(src)])
    assert args.against == src.resolve()
    for refused in (
        ["closed", "--url", "http://127.0.0.1:1", "--against", str(src)],
        ["open", "--start", "sqlite", "--against", str(src)],
    ):
        with pytest.raises(SystemExit):
            load.parse_args(refused)


def test_cpu_beside_the_server_is_summed_by_process_name() -> None:
    def stat(pid: int, name: str, utime: int) -> str:
        return f"{pid} ({name}) S 1 " + " ".join(["0"] * 9 + [str(utime), "0"] + ["0"] * 30)

    stats = [stat(1, "postgres", 100), stat(2, "postgres", 50), stat(3, "redis-server", 10)]
    stats.append(stat(4, "python3 -m relaydesk", 999))
    found = procs.cpu_by_name(stats, ("postgres", "redis-server", "nginx"))
    ticks = procs.CLOCK_TICKS
    assert found == {"postgres": 150 / ticks, "redis-server": 10 / ticks, "nginx": 0.0}


def test_cpu_beside_the_server_is_given_a_turn_and_not_invented_without_turns() -> None:
    before, after = {"postgres": 1.0, "redis-server": 0.5}, {"postgres": 1.2, "redis-server": 0.51}
    line = load.beside_cpu_line(before, after, turns=100)
    assert line == "beside the server, CPU/turn: postgres 2.0 ms, redis-server 0.1 ms"
    assert load.beside_cpu_line(before, after, turns=0) == ""
