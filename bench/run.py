"""`make bench`: the scale benchmark, one table on stdout and in bench/RESULTS.md.

    python -m bench.run [--deals N] [--quick] [--repeat R] [--only STEP,…] [--no-growth]

Steps (each measured in a process of its own; see bench/jobs.py, bench/importing.py):
  import   a 1M-row Zoho deals CSV imported as `cli.py import` does, against DuckDB's bare
           CREATE TABLE AS SELECT * FROM read_csv(…) of the same file (the reference)
  xlsx     a 200k-row .xlsx of the same export imported, against python-calamine reading it
  pages    each page's data (bench/pages.py) cold and warm, against one hand-written query
  apptest  each page in AppTest end to end, the runs after the first (all data cached)
  rss      the dashboard's resident memory after a browser visited every page
  demo     `cli.py demo --force` (the demo database build)
  demopages  each page's data on the demo database itself (the pages' 300 ms budget there)
  growth   the pages' data at 100k and 5M deals too (the README's growth table)

The machine is shared: references run in the same run, interleaved with what they measure, and
the load average is written down. --quick is 100k deals, fewer repeats and no growth.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bench.pages import PAGES

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
RESULTS = REPO / "bench" / "RESULTS.md"
STEPS = ("import", "xlsx", "pages", "apptest", "rss", "demo", "demopages", "growth")
BUDGET = {"import_ratio": 2.0, "import_mb": 1500, "xlsx_s": 10.0, "page_warm_s": 0.3, "page_cold_s": 2.0,
          "apptest_s": 1.5, "rss_mb": 2048, "demo_s": 30.0}
XLSX_ROWS = 200_000


@dataclass
class Row:
    step: str
    time: str
    first: str = ""
    peak: str = ""
    reference: str = ""
    ratio: str = ""
    budget: str = ""
    met: bool | None = None
    note: str = ""


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    growth: list[dict] = field(default_factory=list)

    def add(self, row: Row) -> None:
        self.rows.append(row)
        print(_line(row), flush=True)


def _s(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _mb(mb: float | None) -> str:
    return "—" if mb is None else f"{mb:,.0f} MB"


def _met(ok: bool | None) -> str:
    return {True: "yes", False: "**no**", None: "—"}[ok]


def _line(row: Row) -> str:
    cells = [row.step, row.time, row.first, row.peak, row.reference, row.ratio, row.budget, _met(row.met), row.note]
    return "| " + " | ".join(cells) + " |"


def _python(*args: str, timeout: float = 3600) -> dict:
    """Run `python -m …` in a process of its own; its last stdout line is JSON."""
    done = subprocess.run([sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        raise RuntimeError(f"{' '.join(args[:2])} failed: {(done.stderr or done.stdout)[-800:]}")
    return json.loads(lines[-1])


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f}"


# ---------------------------------------------------------------- steps


def step_import(report: Report, deals: int, repeat: int) -> None:
    from bench.importing import deals_csv

    csv = OUT / f"deals-{deals}.csv"
    if not csv.exists():
        deals_csv(csv, deals)
    refs, imports = [], []
    for _ in range(repeat):          # interleaved: a burst of load hits both alike
        refs.append(_python("bench.importing", "reference", str(OUT / "ref.duckdb"), str(csv)))
        imports.append(_python("bench.importing", "import", str(OUT / "import.duckdb"), str(csv)))
    ref = statistics.median(r["seconds"] for r in refs)
    took = statistics.median(r["seconds"] for r in imports)
    peak = max(r["peak_mb"] for r in imports)
    ratio = took / ref
    report.add(Row(f"import CSV, {deals:,} deals (Zoho export, {csv.stat().st_size / 1e6:.0f} MB)", _s(took),
                   peak=_mb(peak), reference=f"{_s(ref)} bare read_csv ({_mb(max(r['peak_mb'] for r in refs))})",
                   ratio=f"{ratio:.2f}×", budget=f"≤ {BUDGET['import_ratio']:.0f}× ref, < {BUDGET['import_mb']} MB",
                   met=ratio <= BUDGET["import_ratio"] and peak < BUDGET["import_mb"],
                   note=f"{imports[-1]['inserted']:,} new, {imports[-1]['rejected']} rejected"))


def step_xlsx(report: Report, rows: int, repeat: int) -> None:
    from bench.importing import deals_xlsx

    xlsx = OUT / f"deals-{rows}.xlsx"
    if not xlsx.exists():
        started = time.perf_counter()
        deals_xlsx(xlsx, rows)
        report.notes.append(f"wrote {xlsx.name} with xlsxwriter (constant_memory) in {time.perf_counter() - started:.1f} s")
    imports = [_python("bench.importing", "import", str(OUT / "import-xlsx.duckdb"), str(xlsx)) for _ in range(repeat)]
    reads = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import sys, python_calamine as c; "
                        "sum(1 for _ in c.CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python())",
                        str(xlsx)], check=True, cwd=REPO)
        reads.append(time.perf_counter() - started)
    took = statistics.median(r["seconds"] for r in imports)
    ref = statistics.median(reads)
    report.add(Row(f"import XLSX, {rows:,} rows", _s(took), peak=_mb(max(r["peak_mb"] for r in imports)),
                   reference=f"{_s(ref)} calamine read only", ratio=f"{took / ref:.2f}×",
                   budget=f"< {BUDGET['xlsx_s']:.0f} s", met=took < BUDGET["xlsx_s"]))


def page_data(db: Path, repeat: int) -> dict[str, dict]:
    return {page: _python("bench.jobs", "pagedata", str(db), page, str(repeat)) for page in PAGES}


def step_pages(report: Report, db: Path, deals: int, repeat: int) -> dict[str, dict]:
    frozen = _python("bench.jobs", "weekfreeze", str(db))
    report.add(Row(f"weekly meeting computed on a week's first opening ({frozen['week']}), then frozen",
                   _s(frozen["seconds"]), peak=_mb(frozen["peak_mb"]), budget="< 2 s (cold)",
                   met=frozen["seconds"] < BUDGET["page_cold_s"], note="once per week and filter scope"))
    results = page_data(db, repeat)
    for page, r in results.items():
        slowest = max(r["steps_warm"], key=r["steps_warm"].get) if r["steps_warm"] else ""
        ok = r["warm"] < BUDGET["page_warm_s"] and r["cold"] < BUDGET["page_cold_s"]
        report.add(Row(f"page data: {Path(page).stem}", _s(r["warm"]), first=_s(r["cold"]), peak=_mb(r["peak_mb"]),
                       reference=_s(r["reference"]), ratio=f"{r['warm'] / max(r['reference'], 1e-4):.0f}×",
                       budget="< 300 ms warm, < 2 s cold", met=ok,
                       note="" if ok else f"slowest: {slowest} {_s(r['steps_warm'].get(slowest))}"))
    return results


def step_demo_pages(report: Report, repeat: int) -> None:
    """Each page's data on the demo database itself (the budget of the pages issue)."""
    db = OUT / "demo.duckdb"
    _python("bench.jobs", "demo", str(db))
    _python("bench.jobs", "weekfreeze", str(db))
    for page, r in page_data(db, repeat).items():
        slowest = max(r["steps_warm"], key=r["steps_warm"].get) if r["steps_warm"] else ""
        ok = r["warm"] < BUDGET["page_warm_s"] and r["cold"] < BUDGET["page_cold_s"]
        report.add(Row(f"page data on the demo: {Path(page).stem}", _s(r["warm"]), first=_s(r["cold"]),
                       peak=_mb(r["peak_mb"]), reference=_s(r["reference"]),
                       ratio=f"{r['warm'] / max(r['reference'], 1e-4):.0f}×", budget="< 300 ms warm, < 2 s cold",
                       met=ok, note="" if ok else f"slowest: {slowest} {_s(r['steps_warm'].get(slowest))}"))


def step_apptest(report: Report, db: Path, repeat: int) -> None:
    # The brief's measure: the second run after switching to a page (its data then cached).
    result = _python("bench.jobs", "apptest", str(db), str(max(1, repeat // 3)), *PAGES, timeout=7200)
    report.notes.append(f"AppTest: the frame's first run (app.py and the default page) took {_s(result['_frame']['first'])}; "
                        f"peak {_mb(result['_peak_mb'])} for the AppTest process")
    for page in PAGES:
        r = result[page]
        listed = {q for step in PAGES[page] for q in step.queries}
        missing = sorted(set(r["loaded"]) - listed)
        if missing:
            report.notes.append(f"{page} loads {', '.join(missing)}, which bench/pages.py does not list")
        note = "; ".join(f"error: {e}" for e in r["errors"])
        report.add(Row(f"AppTest: {Path(page).stem}", _s(r["warm"]), first=_s(r["first"]),
                       budget="< 1.5 s warm", met=r["warm"] < BUDGET["apptest_s"] and not r["errors"], note=note))


def step_rss(report: Report, db: Path) -> None:
    from bench.browser import resident_after_all_pages

    r = resident_after_all_pages(db, page_timeout_s=120)
    slow = max(r["pages"], key=r["pages"].get)
    report.add(Row("dashboard resident memory after every page (browser)", "—", peak=_mb(r["rss_mb"]),
                   budget="< 2 GB", met=r["rss_mb"] < BUDGET["rss_mb"],
                   note=f"peak (VmHWM) {_mb(r['hwm_mb'])}; slowest page to settle: {slow} {r['pages'][slow]:.1f} s"
                        + (f"; timed out: {', '.join(r['timeouts'])}" if r["timeouts"] else "")))


def step_demo(report: Report, repeat: int) -> None:
    runs = [_python("bench.jobs", "demo", str(OUT / "demo-bench.duckdb")) for _ in range(repeat)]
    took = statistics.median(r["seconds"] for r in runs)
    report.add(Row("demo database build (cli.py demo --force)", _s(took), peak=_mb(max(r["peak_mb"] for r in runs)),
                   budget="< 30 s", met=took < BUDGET["demo_s"] and all(r["ok"] for r in runs)))


def _growth_point(report: Report, deals: int, db: Path, built_s: float | None, results: dict[str, dict]) -> None:
    warm = sum(r["warm"] for r in results.values())
    cold = sum(r["cold"] for r in results.values())
    worst = max(results, key=lambda p: results[p]["warm"])
    point = {"deals": deals, "size_mb": db.stat().st_size / 1e6, "built_s": built_s, "warm_sum": warm,
             "cold_sum": cold, "worst_page": Path(worst).stem, "worst_warm": results[worst]["warm"],
             "worst_cold": max(r["cold"] for r in results.values()),
             "kpi": results["pages/compare.py"]["steps_warm"].get("kpi_table by group")}
    report.growth.append(point)
    report.add(Row(f"growth: {deals:,} deals, all pages' data", _s(warm), first=_s(cold), peak=_mb(point["size_mb"]),
                   note=f"database file size in the peak column; slowest page {point['worst_page']} "
                        f"{_s(point['worst_warm'])} warm"))


def _scale_db(deals: int, report: Report) -> tuple[Path, float | None]:
    from bench.scale import scale_database

    path = OUT / f"scale-{deals}.duckdb"
    if path.exists() and path.with_suffix(".ok").exists():
        return path, None
    started = time.perf_counter()
    scale_database(OUT, deals, log=lambda line: print(line, file=sys.stderr, flush=True))
    took = time.perf_counter() - started
    report.notes.append(f"generated {path.name} in {took:.0f} s")
    return path, took


def write_results(report: Report, args, started: datetime, load_start: str) -> str:
    header = ["| step | time (median) | first / cold | peak memory | reference | ratio | budget | met | note |",
              "|---|---|---|---|---|---|---|---|---|"]
    table = "\n".join(header + [_line(row) for row in report.rows])
    met = [r for r in report.rows if r.met is not None]
    lines = [
        "# Benchmark results (`make bench`)", "",
        f"Run {started:%Y-%m-%d %H:%M} for {time.perf_counter() - args.t0:.0f} s: `python -m bench.run "
        f"{' '.join(sys.argv[1:])}`; {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"duckdb {_version('duckdb')}, streamlit {_version('streamlit')}, pandas {_version('pandas')}.",
        f"Load average (1/5/15 min) at the start {load_start}, at the end {_load()} — the machine is shared; "
        "references are measured in the same run, interleaved with what they are compared to.", "",
        f"Budgets met: {sum(1 for r in met if r.met)} of {len(met)}.", "",
        table, "",
        "Time: the median of the repeats (page data: warm, on an open connection that has run the page once; "
        "AppTest: the runs after the first, results cached). First / cold: page data with a fresh connection per "
        "call as ui.database does on a cache miss; AppTest's first run after switching to the page. "
        "Peak memory: the measuring process's peak resident memory (import: the importing process alone).", "",
    ]
    if report.notes:
        lines += ["Notes:", ""] + [f"- {n}" for n in report.notes] + [""]
    if report.growth:
        lines += ["Growth (the pages' data at each size; same machine, same run):", "", growth_table(report.growth), ""]
    text = "\n".join(lines)
    RESULTS.write_text(text, encoding="utf-8")
    if report.growth:
        _readme_growth(report, load_start)
    return text


GROWTH_MARKERS = ("<!-- growth:start (written by bench/run.py) -->", "<!-- growth:end -->")


def _readme_growth(report: Report, load_start: str) -> None:
    """Put this run's growth table into README.md and bench/README.md (between their markers)."""
    table = (f"{growth_table(report.growth)}\n\nMeasured by `make bench` on {datetime.now():%Y-%m-%d} "
             f"({os.cpu_count()} cores, load average {load_start} at the start; page data warm = on an open "
             f"connection, cold = a fresh connection per call as on a dashboard cache miss; sums over all "
             f"{len(PAGES)} pages).")
    for readme in (REPO / "README.md", REPO / "bench" / "README.md"):
        write_between_markers(readme, table)


def write_between_markers(readme: Path, table: str) -> None:
    start, end = GROWTH_MARKERS
    text = readme.read_text(encoding="utf-8")
    if start in text and end in text:
        head, rest = text.split(start, 1)
        readme.write_text(head + start + "\n" + table + "\n" + end + rest.split(end, 1)[1], encoding="utf-8")


def growth_table(points: list[dict]) -> str:
    rows = ["| deals | activities | database | generated in | all pages' data, warm | cold | slowest page, warm | "
            "kpi_aggregates by group |", "|---|---|---|---|---|---|---|---|"]
    for p in sorted(points, key=lambda p: p["deals"]):
        built = "earlier run" if p["built_s"] is None else f"{p['built_s']:.0f} s"
        rows.append(f"| {p['deals']:,} | {p['deals'] * 5:,} | {p['size_mb']:,.0f} MB | {built} | "
                    f"{_s(p['warm_sum'])} | {_s(p['cold_sum'])} | {p['worst_page']} {_s(p['worst_warm'])} | {_s(p['kpi'])} |")
    return "\n".join(rows)


def _version(module: str) -> str:
    try:
        return __import__(module).__version__
    except Exception:
        return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="100k deals, 2 repeats, no growth")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", default=",".join(STEPS), help=f"comma-separated steps of {', '.join(STEPS)}")
    parser.add_argument("--no-growth", action="store_true")
    args = parser.parse_args(argv)
    args.t0 = time.perf_counter()
    if args.quick:
        args.deals, args.repeat, args.no_growth = 100_000, 2, True
    steps = [s for s in args.only.split(",") if s]
    if args.no_growth and "growth" in steps:
        steps.remove("growth")
    OUT.mkdir(parents=True, exist_ok=True)
    started, load_start = datetime.now(), _load()
    report = Report()
    print("| step | time (median) | first / cold | peak memory | reference | ratio | budget | met | note |", flush=True)
    db, built = _scale_db(args.deals, report)
    if "import" in steps:
        step_import(report, args.deals, args.repeat)
    if "xlsx" in steps:
        step_xlsx(report, min(XLSX_ROWS, args.deals), args.repeat)
    results = step_pages(report, db, args.deals, args.repeat) if "pages" in steps else None
    if "apptest" in steps:
        step_apptest(report, db, args.repeat)
    if "rss" in steps:
        step_rss(report, db)
    if "demo" in steps:
        step_demo(report, args.repeat)
    if "demopages" in steps:
        step_demo_pages(report, args.repeat)
    if "growth" in steps:
        for deals in sorted({100_000, args.deals, 5_000_000}):
            if deals == args.deals and results is not None:
                _growth_point(report, deals, db, built, results)
                continue
            other, other_built = _scale_db(deals, report)
            _python("bench.jobs", "weekfreeze", str(other))
            _growth_point(report, deals, other, other_built, page_data(other, 2))
    text = write_results(report, args, started, load_start)
    print("\n" + text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
