"""The benchmark suite runs, at tiny sizes, and its checks hold. Behaviour only: speed is
measured by `make bench` (BENCHMARKS.md), never asserted here."""
import json

from bench import bench_engine, bench_sweep, run
from tests.conftest import ON_POSTGRES, PG_URL

SWEEP_KEYS = {"database", "population", "checked_rows", "plan", "uses_index", "candidates_before",
              "sweep", "second_sweep", "candidates_after"}


def test_engine_benchmark_reports_every_limit_and_derive_clocks():
    results = bench_engine.bench_engine(quick=True)

    assert set(results["due_at"]) == set(bench_engine.LIMITS)
    for rate in [*results["due_at"].values(), results["derive_clocks"]]:
        assert {"per_s", "us_per_op", "n", "repeats"} <= set(rate)
        assert rate["per_s"] > 0
    assert results["derive_clocks"]["events"] == 8


def test_realistic_history_is_a_legal_eight_step_lifecycle():
    history = bench_engine.realistic_history()

    assert [e.seq for e in history] == list(range(1, 9))
    assert history[-1].to_state == "approved"
    assert all(a.at < b.at for a, b in zip(history, history[1:], strict=False))


def test_sweep_benchmark_fires_exactly_the_due_timers_then_none(database_uri):
    """On the test database (migrated and seeded by the fixtures, SQLite or PostgreSQL)."""
    result = bench_sweep.run_on(database_uri, total=200, due=20, build=False)

    assert set(result) >= SWEEP_KEYS
    assert result["population"]["total"] == 200 and result["population"]["due"] == 20
    assert result["plan"]
    if not ON_POSTGRES:  # PostgreSQL may rightly scan a table this small; the full run requires the index
        assert result["uses_index"] and any(bench_sweep.INDEX_NAME in line for line in result["plan"])
    assert result["candidates_before"]["rows"] == 20
    sweep = result["sweep"]
    assert sweep["applications"] == 20
    assert sweep["by_action"]["deem_accepted"] == 20
    # Deemed accepted as of the day received, the statutory 3 working days have passed too.
    assert sweep["by_action"].get("escalate", 0) == 20
    assert sweep["timers_fired"] == 40
    assert sweep["pdf_renders"] == 0  # the sweep renders nothing itself...
    assert sweep["render_jobs"] == 20  # ...it queues one acceptance notice per deemed acceptance
    assert result["second_sweep"]["timers_fired"] == 0
    assert result["candidates_after"]["rows"] == 0


def test_quick_run_prints_the_table_and_writes_json(tmp_path, capsys):
    output = tmp_path / "quick.json"
    database = PG_URL if ON_POSTGRES else "sqlite"

    # Smaller still than --quick: the sweep itself is covered above; this checks the plumbing.
    results = run.main(["--quick", "--database-url", database, "--output", str(output),
                        "--renders", "1", "--total", "30", "--due", "3"])

    written = json.loads(output.read_text(encoding="utf-8"))
    assert written["quick"] is True
    assert {"date", "sizes", "machine", "documents", "engine", "sweep", "elapsed_s"} <= set(written)
    assert {"median_s", "p95_s", "harfbuzz", "renders"} <= set(written["documents"])
    label = "postgresql" if ON_POSTGRES else "sqlite"
    assert set(written["sweep"][label]) >= SWEEP_KEYS
    assert written["sweep"][label]["sweep"]["applications"] == 3
    assert results["sweep"][label]["second_sweep"]["timers_fired"] == 0
    table = capsys.readouterr().out
    assert "Certificate render" in table and "due_at 5 workdays" in table and bench_sweep.INDEX_NAME in table
