"""Measured jobs, each run in a process of its own by bench.run; each prints one JSON line.

    python -m bench.jobs pagedata DB PAGE REPEAT   every step of bench.pages for PAGE: cold and warm
    python -m bench.jobs apptest DB REPEAT PAGE…   each page in AppTest; the runs after the first
    python -m bench.jobs weekfreeze DB             the weekly page's first opening of a week (compute, freeze)
    python -m bench.jobs demo DB                   cli.py demo --force into DB (the Makefile's command)

Cold: each step on a connection of its own, opened and closed around it, as ui.database.load
does on a cache miss (a new DuckDB instance: nothing in its buffers; the OS file cache is warm,
as on a running server). Warm: one open connection that has run the page once. The figures are
medians over REPEAT passes; `peak_mb` is the process's peak resident memory (ru_maxrss).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SLOW_PAGE_S = 60.0     # AppTest: a first run this slow is not repeated (its warm time is at least that)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _timed(run) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def pagedata(db: str, page: str, repeat: int) -> dict:
    from bench.pages import PAGES, Context, reference
    from db.connection import connect

    steps = PAGES[page]
    con = connect(db)
    ctx = Context.default(con)
    con.close()

    def cold_pass() -> dict[str, float]:
        times = {}
        for step in steps:
            started = time.perf_counter()
            fresh = connect(db, retry_seconds=10)
            try:
                step.run(fresh, ctx)
            finally:
                fresh.close()
            times[step.name] = time.perf_counter() - started
        return times

    colds = [cold_pass() for _ in range(repeat)]
    con = connect(db)
    try:
        for step in steps:
            step.run(con, ctx)
        warms = [{step.name: _timed(lambda s=step: s.run(con, ctx)) for step in steps} for _ in range(repeat)]
        references = [_timed(lambda: reference(con, page, ctx)) for _ in range(repeat)]
    finally:
        con.close()
    return {
        "cold": statistics.median(sum(p.values()) for p in colds),
        "warm": statistics.median(sum(p.values()) for p in warms),
        "reference": statistics.median(references),
        "steps_warm": {name: statistics.median(p[name] for p in warms) for name in warms[0]},
        "steps_cold": {name: statistics.median(p[name] for p in colds) for name in colds[0]},
        "peak_mb": _peak_mb(),
    }


def apptest(db: str, repeat: int, pages: list[str]) -> dict:
    """Each page: the first run after switching to it, then `repeat` runs timed (median).

    Also records which query functions each page loads (ui.database.load), for bench.pages'
    coverage check, and any exception the page shows.
    """
    os.environ["ANCHANG_DB"] = db
    import ui.database as database

    loaded: set[str] = set()
    original = database.load

    def recording_load(query, *args, **kwargs):
        loaded.add(f"{query.__module__}:{query.__qualname__}")
        return original(query, *args, **kwargs)

    database.load = recording_load
    from streamlit.testing.v1 import AppTest

    from bench.signin import bench_account
    from ui.signin import SESSION_KEY, signed_in_session

    username, _password = bench_account(db)
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=600)
    app.session_state[SESSION_KEY] = signed_in_session(username)
    started = time.perf_counter()
    app.run()
    results = {"_frame": {"first": time.perf_counter() - started}}
    for page in pages:
        loaded.clear()
        app.switch_page(str(REPO / page))
        first = _timed(app.run)
        # A page that takes minutes is reported as it is, not waited for again.
        runs = [_timed(app.run) for _ in range(repeat)] if first < SLOW_PAGE_S else [first]
        errors = [str(e.value)[:300] for e in app.exception]
        results[page] = {"first": first, "warm": statistics.median(runs), "runs": runs,
                         "loaded": sorted(loaded), "errors": errors}
    results["_peak_mb"] = _peak_mb()
    return results


def weekfreeze(db: str) -> dict:
    """The first opening of the weekly page: compute the last full week's meeting and freeze it."""
    from bench.pages import Context, _last_full_week
    from db.connection import connect
    from ui.weekly_data import computed_meeting, freeze

    con = connect(db)
    try:
        ctx = Context.default(con)
        week = _last_full_week(ctx.as_of)
        seconds = _timed(lambda: computed_meeting(con, week, ctx.filters))
        freeze(con, week, ctx.filters, refreeze=True)
    finally:
        con.close()
    return {"seconds": seconds, "week": week, "peak_mb": _peak_mb()}


def demo(db: str) -> dict:
    import subprocess

    for stale in (Path(db), Path(db + ".wal")):
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(REPO / "cli.py"), "demo", "--force", "--db", db], cwd=REPO,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"seconds": seconds, "ok": done.returncode == 0, "peak_mb": usage.ru_maxrss / 1024.0,
            "error": done.stderr[-500:] if done.returncode else ""}


def main(argv: list[str]) -> int:
    job, *rest = argv
    if job == "pagedata":
        result = pagedata(rest[0], rest[1], int(rest[2]))
    elif job == "apptest":
        result = apptest(rest[0], int(rest[1]), rest[2:])
    elif job == "weekfreeze":
        result = weekfreeze(rest[0])
    elif job == "demo":
        result = demo(rest[0])
    else:
        raise SystemExit(f"unknown job {job!r}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
