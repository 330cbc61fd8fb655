"""Benchmark the fake against a bare Starlette app, on this machine, from a fresh clone.

    python benchmarks/run.py              # the full run (about 6 minutes)
    python benchmarks/run.py --quick      # fewer rounds and shorter runs

Measures, interleaved A B A B over rounds with medians reported:
- throughput and p50/p99 latency (wrk -t1 -c32) of `mockserver serve` vs a bare Starlette app
  returning the same bytes on the same path: the default scenario, a 5-step scenario over 1,000
  ids, and a 50 ms delay scenario (where concurrency / delay bounds throughput);
- time from process launch to the first 200 response (5 runs);
- resident memory idle, after 100k distinct ids and after 1M ids (100k cap, so evicting);
- the contract suite's wall time.
Prints a table and writes benchmarks/results/<date>.json. Loopback only; every loop is bounded.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "benchmarks"
KEY = "x-api-key: bench"
STATUS_PATH = "/v1/video_status.get?video_id=bench"


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

    def get_json(self, path: str) -> dict:
        with urllib.request.urlopen(self.url + path, timeout=5) as r:  # noqa: S310 - loopback
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
            results[name] = {
                "mock": m,
                "bare": b,
                "throughput_ratio": round(m["rps"] / b["rps"], 3) if b["rps"] else 0.0,
                "p99_ratio": round(m["p99_ms"] / b["p99_ms"], 3) if b["p99_ms"] else 0.0,
            }
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


def table(results: dict) -> str:
    rows = [
        "| case | mockserver req/s | bare req/s | ratio | mock p50 / p99 ms | bare p50 / p99 ms | p99 ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in results["throughput"].items():
        m, b = r["mock"], r["bare"]
        rows.append(
            f"| {name} | {m['rps']:.0f} | {b['rps']:.0f} | {r['throughput_ratio']:.2f} | "
            f"{m['p50_ms']:.2f} / {m['p99_ms']:.2f} | {b['p50_ms']:.2f} / {b['p99_ms']:.2f} | {r['p99_ratio']:.2f} |"
        )
    mem = results["memory"]
    rows += [
        "",
        f"- ready to answer after launch: median {results['startup']['cached']['median_s']} s "
        f"({results['startup']['cached']['runs_s']}); "
        f"first launch, compiling the package's bytecode: {results['startup']['first_launch']['median_s']} s",
        f"- resident memory: idle {mem['idle_mb']} MB; after 100k ids {mem.get('after_100k_ids_mb')} MB"
        + (f"; after 1M ids (cap 100k) {mem['after_1m_ids_mb']} MB" if "after_1m_ids_mb" in mem else ""),
        f"- contract suite: {results['contract']['wall_s']} s (passed: {results['contract']['passed']})",
    ]
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="3 rounds of 3 s, no 1M-id memory run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    args = parser.parse_args()
    wrk_bin = ensure_wrk()
    seconds = 3 if args.quick else args.seconds
    with tempfile.TemporaryDirectory() as tmp:
        probe = mock_server(9130, "--no-scenarios")
        try:
            for _ in range(4):
                body = urllib.request.urlopen(  # noqa: S310 - loopback
                    urllib.request.Request(probe.url + STATUS_PATH, headers={"x-api-key": "bench"}), timeout=5
                ).read()
        finally:
            probe.stop()
        body_file = Path(tmp) / "body.json"
        body_file.write_bytes(body)  # the same bytes the fake serves on the same path
        results = {
            "date": time.strftime("%Y-%m-%d"),
            "machine": machine(),
            "throughput": throughput(wrk_bin, max(args.rounds, 3), seconds, body_file),
            "startup": startup(5),
            "memory": memory(wrk_bin, full=not args.quick),
            "contract": contract_suite(),
        }
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    path = out_dir / f"{results['date']}{'-quick' if args.quick else ''}.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    print(f"\nwritten: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
