"""Benchmark the fake against a bare Starlette app, on this machine, from a fresh clone.

    python benchmarks/run.py              # the full run (about 8 minutes)
    python benchmarks/run.py --quick      # fewer rounds and shorter runs, 20k jobs, no 1M ids
    python benchmarks/run.py --only jobs  # one case (or several: --only throughput jobs)

Measures, interleaved A B A B over rounds with medians reported:
- throughput and p50/p99 latency (wrk -t1 -c32) of `mockserver serve` vs a bare Starlette app
  returning the same bytes on the same path: the default scenario, a 5-step scenario over 1,000
  ids, and a 50 ms delay scenario (where concurrency / delay bounds throughput);
- time from process launch to the first 200 response (5 runs);
- resident memory idle, after 100k distinct ids and after 1M ids (100k cap, so evicting);
- the contract suite's wall time;
- a fake holding 100k created, unfinished jobs (the dispatcher watches them all) vs a fresh empty
  fake: idle CPU of each over 5 s, and throughput on the polled path, interleaved, the other fake
  paused (SIGSTOP) so its background loop takes no CPU from the one measured. Targets: >= 0.95x
  the empty fake's throughput, idle CPU below 5 % of a core.
Prints a table and writes benchmarks/results/<date>[-quick][-only-<cases>].json. Loopback only;
every loop is bounded.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "benchmarks"
KEY = "x-api-key: bench"
STATUS_PATH = "/v1/video_status.get?video_id=bench"
CREATE_PATH = "/v2/video/generate"  # HeyGen's create call: a job on the default, poll-based timeline
CASES = ("throughput", "startup", "memory", "contract", "jobs")
JOBS_TARGETS = {"throughput_ratio_min": 0.95, "idle_cpu_pct_max": 5.0}


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: installing it from Debian's packages (apt-get install -y wrk)", flush=True)
        if subprocess.run(["apt-get", "install", "-y", "wrk"], capture_output=True).returncode != 0:
            subprocess.run(["apt-get", "update"], capture_output=True, check=False)
            subprocess.run(["apt-get", "install", "-y", "wrk"], capture_output=True, check=False)
        found = shutil.which("wrk")
        if found:
            return found
    sys.exit(
        "wrk is missing. Install it: sudo apt-get install wrk (Debian/Ubuntu) or brew install wrk (macOS)"
    )


class Server:
    """A server process on 127.0.0.1, waited for and stopped."""

    def __init__(
        self, args: list[str], port: int, env: dict[str, str] | None = None, cwd: Path = ROOT
    ) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            args,
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env={**os.environ, **(env or {})},
        )
        self.ready_after = self.wait()

    def wait(self, path: str = "/v2/avatar_video/ready", timeout: float = 20) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                request = urllib.request.Request(self.url + path, headers={"x-api-key": "bench"})
                with urllib.request.urlopen(request, timeout=1) as r:  # noqa: S310 - loopback
                    if r.status == 200:
                        return time.perf_counter() - self.started
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError(
                        self.proc.stderr.read().decode() if self.proc.stderr else "exited"
                    ) from None
            time.sleep(0.005)
        raise RuntimeError(f"{self.url} not ready in {timeout} s")

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
        return 0.0

    def get_json(self, path: str, timeout: float = 5) -> dict:
        with urllib.request.urlopen(self.url + path, timeout=timeout) as r:  # noqa: S310 - loopback
            return json.loads(r.read())

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def mock_server(port: int, *extra: str) -> Server:
    return Server([sys.executable, "-m", "mockserver", "serve", "--port", str(port), *extra], port)


def bare_server(port: int, body_file: Path) -> Server:
    args = [sys.executable, "-m", "uvicorn", "--app-dir", str(HERE), "bare_app:app", "--port", str(port)]
    args += ["--no-access-log", "--log-level", "warning", "--host", "127.0.0.1"]
    return Server(args, port, env={"BARE_BODY_FILE": str(body_file)})


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(
    wrk_bin: str, url: str, seconds: int, env: dict[str, str] | None = None, script: bool = False
) -> dict:
    args = [wrk_bin, "-t1", "-c32", f"-d{seconds}s", "--latency", "-H", KEY]
    if script:
        args += ["-s", str(HERE / "ids.lua")]
    out = subprocess.run(
        [*args, url], capture_output=True, text=True, timeout=seconds + 30, env={**os.environ, **(env or {})}
    ).stdout

    def latency(label: str) -> float:
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        return round(float(m.group(1)) * UNITS[m.group(2)], 3) if m else float("nan")

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def median_of(runs: list[dict]) -> dict:
    return {k: statistics.median(r[k] for r in runs) for k in ("rps", "p50_ms", "p99_ms")} | {
        "non_2xx": sum(r["non_2xx"] for r in runs),
        "rounds": len(runs),
    }


def ratios(a: dict, b: dict) -> dict:
    """a's throughput and p99 over b's, the two numbers every comparison here is judged by."""
    return {
        "throughput_ratio": round(a["rps"] / b["rps"], 3) if b["rps"] else 0.0,
        "p99_ratio": round(a["p99_ms"] / b["p99_ms"], 3) if b["p99_ms"] else 0.0,
    }


def throughput(wrk_bin: str, rounds: int, seconds: int, body_file: Path) -> dict:
    mock = mock_server(9101, "--scenarios", str(HERE / "scenarios"))
    bare = bare_server(9102, body_file)
    cases = {
        "default scenario, video status": dict(path=STATUS_PATH, script=False, env={}),
        "5-step scenario over 1,000 ids": dict(
            path="/v1/video_status.get",
            script=True,
            env={"BENCH_IDS": "1000", "BENCH_SCENARIO": "bench-five-steps"},
        ),
        "50 ms delay scenario": dict(
            path="/v1/video_status.get",
            script=True,
            env={"BENCH_IDS": "1000", "BENCH_SCENARIO": "bench-delay-50ms"},
        ),
    }
    results: dict[str, dict] = {}
    try:
        for _ in range(3):  # walk the default timeline of the benchmark id to its repeating last step
            mock.wait(STATUS_PATH)
        raw: dict[str, dict[str, list[dict]]] = {name: {"mock": [], "bare": []} for name in cases}
        for _ in range(rounds):  # interleaved: A B A B ...
            for name, case in cases.items():
                raw[name]["mock"].append(
                    wrk(wrk_bin, mock.url + case["path"], seconds, case["env"], case["script"])
                )
                raw[name]["bare"].append(
                    wrk(wrk_bin, bare.url + case["path"], seconds, case["env"], case["script"])
                )
        for name, runs in raw.items():
            m, b = median_of(runs["mock"]), median_of(runs["bare"])
            results[name] = {"mock": m, "bare": b, **ratios(m, b)}
        results["50 ms delay scenario"]["bound_rps"] = 32 / 0.05
    finally:
        mock.stop()
        bare.stop()
    return results


def startup(runs: int) -> dict:
    """Launch to first 200, from a copy of the checkout: first launches compile the package's
    bytecode, later launches find it cached (what every launch after the first one sees).

    A copy, because a machine that sets PYTHONDONTWRITEBYTECODE (this kind does) never caches
    the checkout's bytecode, and one that does not has it cached already.
    """
    out: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp)
        for name in ("mockserver", "specs", "scenarios"):
            shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        args = [sys.executable, "-m", "mockserver", "serve", "--port"]
        for label in ("first_launch", "cached"):
            if label == "cached":
                subprocess.run(
                    [sys.executable, "-m", "compileall", "-q", str(copy / "mockserver")], check=True
                )
            times = []
            for i in range(runs):
                server = Server([*args, str(9110 + i)], 9110 + i, {"PYTHONDONTWRITEBYTECODE": "1"}, cwd=copy)
                times.append(server.ready_after)
                server.stop()
            out[label] = {
                "runs_s": [round(t, 3) for t in times],
                "median_s": round(statistics.median(times), 3),
            }
    return out


def memory(wrk_bin: str, full: bool) -> dict:
    server = mock_server(9120, "--no-scenarios", "--timeline-cap", "100000")
    out: dict[str, float | int] = {}
    try:
        server.wait()
        out["idle_mb"] = server.rss_mb()
        targets = [("after_100k_ids_mb", 100_000)] + ([("after_1m_ids_mb", 1_000_000)] if full else [])
        for label, ids in targets:
            deadline = time.monotonic() + 900
            while time.monotonic() < deadline:
                health = server.get_json("/__mock/health")
                if health["timelines"] + health["evicted"] >= ids:
                    break
                tag = f"run{time.monotonic_ns()}"  # a fresh id prefix per wrk run, so ids never repeat
                wrk(
                    wrk_bin,
                    server.url + "/v1/video_status.get",
                    5,
                    {"BENCH_IDS": "0", "BENCH_TAG": tag},
                    script=True,
                )
            health = server.get_json("/__mock/health")
            out[label] = server.rss_mb()
            out[label.replace("_mb", "_tracked")] = health["timelines"]
            out[label.replace("_mb", "_seen")] = health["timelines"] + health["evicted"]
    finally:
        server.stop()
    return out


def free_port() -> int:
    """A port free on 127.0.0.1 now, so this case never meets a fake left running on a fixed one."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process, all its threads, from /proc/<pid>/stat (utime, stime)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()  # after the name
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle_cpu(server: Server, seconds: float) -> float:
    """Percent of one core a fake burns with no traffic: what an idle fake costs a CI machine."""
    before, started = cpu_seconds(server.proc.pid), time.monotonic()
    time.sleep(seconds)
    used = cpu_seconds(server.proc.pid) - before
    return round(100 * used / (time.monotonic() - started), 1)


@contextmanager
def paused(*servers: Server) -> Iterator[None]:
    """Stop (SIGSTOP) the given fakes for a while, so a busy background loop in one of them takes
    no CPU from the fake being measured (2-core machines have none to spare); SIGCONT after."""
    for server in servers:
        server.proc.send_signal(signal.SIGSTOP)
    try:
        yield
    finally:
        for server in servers:
            server.proc.send_signal(signal.SIGCONT)


def stop_wrk(proc: subprocess.Popen) -> None:
    """wrk always runs its whole -d, even when create.lua stopped its thread: interrupt it."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def create_jobs(wrk_bin: str, server: Server, count: int, max_seconds: int) -> dict:
    """`count` create calls by wrk (create.lua stops after that many), counted by the fake's health
    (one timeline per job, nothing else is asked meanwhile); bounded by max_seconds."""
    base = server.get_json("/__mock/health")["timelines"]
    args = [wrk_bin, "-t1", "-c32", f"-d{max_seconds}s", "-s", str(HERE / "create.lua")]
    env = {**os.environ, "BENCH_JOBS": str(count)}
    started = time.monotonic()
    proc = subprocess.Popen([*args, server.url + CREATE_PATH], stdout=subprocess.DEVNULL, env=env)
    try:
        while proc.poll() is None and time.monotonic() - started < max_seconds + 5:
            time.sleep(0.5)
            if server.get_json("/__mock/health", timeout=30)["timelines"] - base >= count:
                break
    finally:
        stop_wrk(proc)
    elapsed = time.monotonic() - started
    created = server.get_json("/__mock/health", timeout=30)["timelines"] - base
    return {
        "requested": count,
        "created": created,
        "seconds": round(elapsed, 1),
        "per_s": round(created / elapsed),
    }


def watched(server: Server) -> int:
    """Jobs the webhook dispatcher still watches, i.e. unfinished; a big listing, so asked once."""
    return len(server.get_json("/__mock/webhooks", timeout=120).get("watching", []))


def ab_rounds(wrk_bin: str, servers: dict[str, Server], rounds: int, seconds: int) -> dict[str, dict]:
    """wrk on the polled path of each fake in turn, A B A B, the others paused; medians."""
    for server in servers.values():
        for _ in range(3):  # walk the benchmark id's default timeline to its repeating last step
            server.wait(STATUS_PATH)
    raw: dict[str, list[dict]] = {name: [] for name in servers}
    for _ in range(rounds):
        for name, server in servers.items():
            with paused(*(s for n, s in servers.items() if n != name)):
                raw[name].append(wrk(wrk_bin, server.url + STATUS_PATH, seconds))
    return {name: median_of(runs) for name, runs in raw.items()}


def jobs_case(wrk_bin: str, rounds: int, seconds: int, count: int) -> dict:
    """The issue's case: a fake holding `count` created, unfinished jobs vs a fresh empty fake."""
    cap = str(max(100_000, 2 * count))  # the same cap on both, with room for the polled id: no job evicted
    servers: dict[str, Server] = {}
    try:
        servers["with_jobs"] = mock_server(free_port(), "--timeline-cap", cap)
        servers["empty"] = mock_server(free_port(), "--timeline-cap", cap)
        created = create_jobs(wrk_bin, servers["with_jobs"], count, max_seconds=600)
        time.sleep(1)  # the last responses out, before counting idle CPU
        idle = {}
        for name, server in servers.items():
            with paused(*(s for n, s in servers.items() if n != name)):
                idle[name] = idle_cpu(server, 5)
        medians = ab_rounds(wrk_bin, servers, rounds, seconds)
        created["watching_after"] = watched(servers["with_jobs"])
    finally:
        for server in servers.values():
            server.stop()
    result = {"jobs": count, "created": created, "idle_cpu_pct": idle, **medians}
    result |= ratios(medians["with_jobs"], medians["empty"])
    result["targets"] = JOBS_TARGETS
    result["meets_targets"] = (
        result["throughput_ratio"] >= JOBS_TARGETS["throughput_ratio_min"]
        and idle["with_jobs"] < JOBS_TARGETS["idle_cpu_pct_max"]
    )
    return result


def contract_suite() -> dict:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "contract_tests", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return {"wall_s": round(time.perf_counter() - started, 1), "passed": result.returncode == 0}


def machine() -> dict:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def throughput_rows(results: dict) -> list[str]:
    rows = [
        "| case | mockserver req/s | bare req/s | ratio | mock p50 / p99 ms | bare p50 / p99 ms | p99 ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        m, b = r["mock"], r["bare"]
        rows.append(
            f"| {name} | {m['rps']:.0f} | {b['rps']:.0f} | {r['throughput_ratio']:.2f} | "
            f"{m['p50_ms']:.2f} / {m['p99_ms']:.2f} | {b['p50_ms']:.2f} / {b['p99_ms']:.2f} | {r['p99_ratio']:.2f} |"
        )
    return rows


def jobs_rows(r: dict) -> list[str]:
    """The jobs case on its own table: both columns are the fake, so the bare columns do not fit."""
    label = f"{r['jobs']:,} unfinished jobs"
    made = r["created"]
    idle, target = r["idle_cpu_pct"], r["targets"]
    rows = [
        "| default scenario, video status | req/s | p50 / p99 ms | idle CPU, % of a core (5 s) |",
        "|---|---|---|---|",
    ]
    for name, shown in (("empty", "empty fake"), ("with_jobs", label)):
        m = r[name]
        rows.append(f"| {shown} | {m['rps']:.0f} | {m['p50_ms']:.2f} / {m['p99_ms']:.2f} | {idle[name]} |")
    rows += [
        f"| ratio (target) | {r['throughput_ratio']:.2f} (>= {target['throughput_ratio_min']}) | "
        f"p99 {r['p99_ratio']:.2f} | {idle['with_jobs']} (< {target['idle_cpu_pct_max']}) |",
        "",
        f"- {label}: {made['created']} created in {made['seconds']} s ({made['per_s']}/s), "
        f"{made['watching_after']} still watched after the runs; meets targets: {r['meets_targets']}"
        + (" (fewer jobs than the issue's 100k: --quick or --jobs)" if r["jobs"] < 100_000 else ""),
    ]
    return rows


def table(results: dict) -> str:
    """The throughput table, then one line per other case that ran."""
    rows = throughput_rows(results["throughput"]) + [""] if "throughput" in results else []
    if "startup" in results:
        start = results["startup"]
        rows.append(
            f"- ready to answer after launch: median {start['cached']['median_s']} s ({start['cached']['runs_s']}); "
            f"first launch, compiling the package's bytecode: {start['first_launch']['median_s']} s"
        )
    if "memory" in results:
        mem = results["memory"]
        rows.append(
            f"- resident memory: idle {mem['idle_mb']} MB; after 100k ids {mem.get('after_100k_ids_mb')} MB"
            + (f"; after 1M ids (cap 100k) {mem['after_1m_ids_mb']} MB" if "after_1m_ids_mb" in mem else "")
        )
    if "contract" in results:
        rows.append(
            f"- contract suite: {results['contract']['wall_s']} s (passed: {results['contract']['passed']})"
        )
    if "jobs" in results:
        rows += [""] * bool(rows) + jobs_rows(results["jobs"])
    return "\n".join(rows)


def bare_body(tmp: Path) -> Path:
    """The bytes the fake serves on the polled path, for the bare app to serve on the same path."""
    probe = mock_server(9130, "--no-scenarios")
    try:
        for _ in range(4):
            body = urllib.request.urlopen(  # noqa: S310 - loopback
                urllib.request.Request(probe.url + STATUS_PATH, headers={"x-api-key": "bench"}), timeout=5
            ).read()
    finally:
        probe.stop()
    body_file = tmp / "body.json"
    body_file.write_bytes(body)
    return body_file


def run_cases(args: argparse.Namespace, wrk_bin: str) -> dict:
    """The selected cases, in the full run's order."""
    seconds, rounds = (3 if args.quick else args.seconds), max(args.rounds, 3)
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        if "throughput" in args.only:
            out["throughput"] = throughput(wrk_bin, rounds, seconds, bare_body(Path(tmp)))
    if "startup" in args.only:
        out["startup"] = startup(5)
    if "memory" in args.only:
        out["memory"] = memory(wrk_bin, full=not args.quick)
    if "contract" in args.only:
        out["contract"] = contract_suite()
    if "jobs" in args.only:
        out["jobs"] = jobs_case(wrk_bin, rounds, seconds, args.jobs or (20_000 if args.quick else 100_000))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="3 rounds of 3 s, no 1M-id memory run, 20k jobs")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--only", nargs="+", choices=CASES, default=list(CASES), help="run only these cases")
    parser.add_argument(
        "--jobs", type=int, default=0, help="jobs for the jobs case (default 100k, quick 20k)"
    )
    args = parser.parse_args()
    wrk_bin = ensure_wrk()
    results = {"date": time.strftime("%Y-%m-%d"), "machine": machine(), "quick": args.quick}
    results |= run_cases(args, wrk_bin)
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    only = "" if set(args.only) == set(CASES) else "-only-" + "-".join(c for c in CASES if c in args.only)
    path = out_dir / f"{results['date']}{'-quick' if args.quick else ''}{only}.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    print(f"\nwritten: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
