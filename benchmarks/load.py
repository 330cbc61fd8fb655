"""A small HTTP/1.1 keep-alive load generator for 127.0.0.1, run as its own process.

    python benchmarks/load.py --url http://127.0.0.1:8000 --path '/v2/avatar_video/job-{id}' \
        --requests 50000 --concurrency 64 --ids 1000 --max-seconds 120

Every loop is bounded by a request count and a deadline. Prints one JSON object:
requests, errors, statuses, elapsed, rps, p50_ms, p99_ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from urllib.parse import urlparse

LOOPBACK = ("127.0.0.1", "localhost", "::1")


async def worker(
    host: str,
    port: int,
    paths: list[str],
    counter: list[int],
    total: int,
    deadline: float,
    latencies: list[float],
    statuses: dict[int, int],
    errors: list[int],
    headers: bytes,
) -> None:
    reader = writer = None
    while counter[0] < total and time.monotonic() < deadline:
        n = counter[0]
        counter[0] += 1
        path = paths[n % len(paths)]
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            started = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n".encode() + headers + b"\r\n")
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await asyncio.wait_for(reader.readexactly(length), 10)
            latencies.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            errors[0] += 1
            if writer is not None:
                writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def run(args: argparse.Namespace) -> dict[str, object]:
    url = urlparse(args.url)
    if url.hostname not in LOOPBACK:
        raise SystemExit("load.py only targets 127.0.0.1")
    paths = [args.path.replace("{id}", str(i)) for i in range(args.ids)]
    headers = "".join(f"{h}\r\n" for h in args.header).encode()
    counter, errors = [0], [0]
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    deadline = time.monotonic() + args.max_seconds
    started = time.perf_counter()
    await asyncio.gather(
        *(
            worker(
                url.hostname or "127.0.0.1",
                url.port or 80,
                paths,
                counter,
                args.requests,
                deadline,
                latencies,
                statuses,
                errors,
                headers,
            )
            for _ in range(args.concurrency)
        )
    )
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float:
        return (
            round(latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000, 3) if latencies else 0.0
        )

    done = len(latencies)
    return {
        "requests": done,
        "errors": errors[0],
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "elapsed": round(elapsed, 3),
        "rps": round(done / elapsed, 1) if elapsed else 0.0,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--path", default="/v2/avatar_video/job-{id}")
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--ids", type=int, default=1000)
    parser.add_argument("--max-seconds", type=float, default=120)
    parser.add_argument("--header", action="append", default=["x-api-key: load"])
    args = parser.parse_args()
    json.dump(asyncio.run(run(args)), sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
