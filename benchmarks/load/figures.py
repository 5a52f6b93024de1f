"""Print the figures of a locust run and judge them against the issue 8 target.

Usage: `python benchmarks/load/figures.py var/load/locust_stats.csv [--p95-ms 300]`.
Reads locust's `--csv` statistics (one row per endpoint, then "Aggregated"; times in ms)
and prints, per endpoint: requests, failures, p50, p95, p99; then the total. Exit status
1 when the total p95 is at or above `--p95-ms` or any request failed, else 0. The
failures themselves are in the `_failures.csv` beside the statistics; the sign-in times,
measured apart by the locustfile, in `_sign_in.txt`.
"""

import argparse
import csv
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stats", help="locust's <prefix>_stats.csv")
    parser.add_argument("--p95-ms", type=float, default=300)
    args = parser.parse_args(argv)
    with open(args.stats, newline="") as file:
        rows = list(csv.DictReader(file))
    print(f"{'endpoint':<58} {'requests':>8} {'failures':>8} {'p50':>6} {'p95':>6} {'p99':>6}")
    for row in rows:
        name = "TOTAL" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        print(
            f"{name[:58]:<58} {row['Request Count']:>8} {row['Failure Count']:>8} "
            f"{row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
        )
    total = next(row for row in rows if row["Name"] == "Aggregated")
    p95, failures = float(total["95%"]), int(total["Failure Count"])
    passed = p95 < args.p95_ms and failures == 0
    print(
        f"total p95 {p95:.0f} ms (target < {args.p95_ms:.0f}), {failures} failures "
        f"of {total['Request Count']} requests, {float(total['Requests/s']):.1f} requests/s: "
        f"{'ok' if passed else 'MISSED'}"
    )
    sign_in = Path(args.stats.removesuffix("_stats.csv") + "_sign_in.txt")
    if sign_in.exists():
        print(sign_in.read_text().strip())
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
