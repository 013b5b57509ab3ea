#!/usr/bin/env python3
"""Checks route files written by `Scheduler.Bench routing --routes` against the Solomon instances, outside the
product's code: every customer exactly once, capacity, time windows (waiting allowed, service counted, back at
the depot by its due date) and the total distance. Usage:

    python3 bench/tools/check_solomon_routes.py <instance folder> <routes file> [dimacs|exact]

dimacs truncates every arc to one decimal for both distance and time (DIMACS 2021 / CVRPLIB); exact uses the
Euclidean distance as it is. Prints one line per instance and exits 1 if any instance fails.
"""
import math
import os
import sys


def read_instance(path):
    lines = [l.split() for l in open(path, encoding="ascii").read().splitlines()]
    capacity = int(lines[4][1])
    rows = {}
    for parts in lines[9:]:
        if len(parts) == 7:
            n, x, y, demand, ready, due, service = map(float, parts)
            rows[int(n)] = (x, y, demand, ready, due, service)
    return capacity, rows


def arc(a, b, convention):
    d = math.hypot(a[0] - b[0], a[1] - b[1])
    return math.floor(d * 10) / 10 if convention == "dimacs" else d


def check(capacity, rows, routes, convention):
    problems, seen, total = [], set(), 0.0
    depot = rows[0]
    for k, route in enumerate(routes):
        load, time, at = 0.0, 0.0, depot
        for c in route:
            if c in seen or c not in rows or c == 0:
                problems.append(f"route {k + 1}: customer {c} repeated or unknown")
                continue
            seen.add(c)
            row = rows[c]
            step = arc(at, row, convention)
            total += step
            time = max(time + step, row[3])
            if time > row[4] + 1e-9:
                problems.append(f"route {k + 1}: customer {c} reached at {time:.2f}, due {row[4]:.0f}")
            time += row[5]
            load += row[2]
            at = row
        step = arc(at, depot, convention)
        total += step
        if time + step > depot[4] + 1e-9:
            problems.append(f"route {k + 1}: back at the depot at {time + step:.2f}, due {depot[4]:.0f}")
        if load > capacity:
            problems.append(f"route {k + 1}: load {load:.0f} over capacity {capacity}")
    missing = set(rows) - {0} - seen
    if missing:
        problems.append(f"{len(missing)} customers not served")
    return total, problems


def main():
    folder, routes_path = sys.argv[1], sys.argv[2]
    convention = sys.argv[3] if len(sys.argv) > 3 else "dimacs"
    instances, name = {}, None
    for line in open(routes_path, encoding="utf-8"):
        line = line.strip()
        if line.startswith("#"):
            name = line.split()[1]
            instances[name] = (float(line.split()[-1]), [])
        elif line:
            instances[name][1].append([int(c) for c in line.split()])
    failed = 0
    for name, (stated, routes) in instances.items():
        capacity, rows = read_instance(os.path.join(folder, name + ".txt"))
        total, problems = check(capacity, rows, routes, convention)
        if abs(total - stated) > 0.01:
            problems.append(f"distance {total:.2f}, the file says {stated:.2f}")
        failed += bool(problems)
        print(f"{name:8} vehicles {len(routes):3} distance {total:9.2f} {'ok' if not problems else 'FAILED: ' + '; '.join(problems)}")
    print(f"{len(instances) - failed} of {len(instances)} instances pass")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
