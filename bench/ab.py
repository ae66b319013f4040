#!/usr/bin/env python3
"""Two Trellis builds against each other on one PostgreSQL database: what a change bought.

Usage: bench/ab.py OLD_BINARY NEW_BINARY [--database-url URL] [--old-database-url URL] [--shape nested] [--rounds 3]
       bench/ab.py OLD_BINARY NEW_BINARY --instructions 20 [--shape nested]

Starts both binaries on free loopback ports over the same (already seeded) database, checks
that they give the same answer, then runs wrk against each in turn, alternating which goes
first, at each connection count. Each run reports requests/s, p50, p99 and the CPU time per
request of the server and of PostgreSQL (bench.py's readers of /proc). The machine's speed
drifts on shared hosts; only alternating runs of one session compare fairly.

With --instructions N, both builds run under valgrind's callgrind instead, and the script
reports the instructions each executes per request over N requests sent one at a time
(after three of warm-up). Instruction counts do not drift with the machine: the same build
counts the same within a fraction of a percent, so a change of a few percent shows, where
wrk's figures on a shared host cannot show it. They do not count cache misses or waits.

Seed the database first, for instance:
  createdb -h 127.0.0.1 -U postgres trellis_bench
  trellis seed --profile alliance --seed 1 --database-url postgres://postgres@127.0.0.1:5432/trellis_bench
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

from bench import CPD_LEAD, Trellis, log, post, query_text, wrk


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(binary, database_url, work, wrapper=(), env=None):
    """A Trellis server as bench/run.sh starts it, under `wrapper` if any, with `env`
    added to (and overriding) its environment; returns (process, GraphQL URL)."""
    port = free_port()
    env = {**os.environ, "TRELLIS_JWT_SECRET": os.urandom(24).hex(), "TRELLIS_MAX_COMPLEXITY": "50000", **(env or {})}
    log_file = open(os.path.join(work, f"trellis-{port}.log"), "w")
    process = subprocess.Popen([*wrapper, binary, "serve", "--database-url", database_url, "--bind", f"127.0.0.1:{port}"],
                               env=env, stdout=log_file, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/graphql"
    for _ in range(120):
        try:
            post(url, {"query": "{__typename}"}, timeout=2)
            return process, url
        except OSError:
            if process.poll() is not None:
                sys.exit(f"ab: {binary} exited; see {log_file.name}")
            time.sleep(0.25)
    process.kill()
    sys.exit(f"ab: {binary} did not answer in 30 s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/trellis_bench?sslmode=disable")
    parser.add_argument("--old-database-url",
                        help="a database of its own for OLD, when the two builds' migrations differ (a build "
                             "refuses a database migrated further than it knows); seed both with the same "
                             "--seed and they hold the same rows")
    parser.add_argument("--shape", default="nested", help="a query of bench/queries (NAME.trellis.graphql)")
    parser.add_argument("--variables", default="{}", type=json.loads,
                        help='the query\'s variables as JSON, e.g. \'{"id": "U2Nob29sOjE"}\' for school-page')
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", default="1,16")
    parser.add_argument("--instructions", type=int, metavar="N",
                        help="count instructions per request under callgrind over N requests, instead of wrk")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="trellis-ab-")
    servers = {}
    try:
        for name in ("old", "new"):
            wrapper = callgrind(work, name) if args.instructions else ()
            database_url = args.old_database_url if name == "old" and args.old_database_url else args.database_url
            servers[name] = start(getattr(args, name), database_url, work, wrapper)
        body = {"query": query_text(args.shape, "trellis"), "variables": args.variables}
        body_file = os.path.join(work, "body.json")
        with open(body_file, "w") as f:
            json.dump(body, f)
        clients = {name: Trellis(url) for name, (_, url) in servers.items()}
        answers = {name: post(client.url, body, client.token(CPD_LEAD))[0] for name, client in clients.items()}
        for name, answer in answers.items():
            if json.loads(answer).get("errors"):
                sys.exit(f"ab: {name} answered with errors (missing --variables?): {answer[:300]}")
        # Compared as JSON values: builds before the executor kept the query's key order
        # put keys in the order fields finished.
        if json.loads(answers["old"]) != json.loads(answers["new"]):
            sys.exit("ab: the two builds answer differently")
        log(f"[{args.shape}] same answer from both ({len(answers['new'])} bytes)")
        if args.instructions:
            for name, (process, _) in servers.items():
                count = instructions_per_request(process, clients[name], body, args.instructions, work, name)
                print(f"{name}  {count:,} instructions per request ({args.instructions} requests)", flush=True)
            return
        order = ["old", "new"]
        for round_ in range(args.rounds):
            for connections in [int(c) for c in args.connections.split(",")]:
                for name in order:
                    process, url = servers[name]
                    token = clients[name].token(CPD_LEAD)
                    wrk(url, body_file, token, connections, 2)  # warm-up
                    run = wrk(url, body_file, token, connections, args.duration, process.pid)
                    if not run:
                        sys.exit(f"ab: wrk failed against {name}")
                    print(f"round {round_ + 1} c={connections:<2} {name}  {run['rps']:7.1f} req/s  "
                          f"p50 {run['p50']:7.2f} ms  p99 {run['p99']:7.2f} ms  "
                          f"server {run['cpu_ms']:.2f} ms/req  PostgreSQL {run['db_ms']:.2f} ms/req"
                          f"{'  ERRORS ' + str(run['errors']) if run['errors'] else ''}", flush=True)
            order.reverse()
    finally:
        for process, _ in servers.values():
            process.terminate()
            process.wait()


def callgrind(work, name):
    """valgrind's callgrind, counting nothing until told to (see instructions_per_request)."""
    return ("valgrind", "--tool=callgrind", "--instr-atstart=no",
            f"--callgrind-out-file={os.path.join(work, name + '.callgrind')}")


def instructions_per_request(process, client, body, requests, work, name):
    """Instructions the server under callgrind executes per request, over `requests` sent
    one at a time after three of warm-up (sign-in and first statements excluded)."""
    token = client.token(CPD_LEAD)
    for _ in range(3):
        post(client.url, body, token, timeout=120)
    control = lambda *command: subprocess.run(["callgrind_control", *command, str(process.pid)],
                                              check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    control("-i", "on")
    for _ in range(requests):
        post(client.url, body, token, timeout=120)
    control("-i", "off")
    control("-d")
    total = 0
    for file in os.listdir(work):
        if file.startswith(name + ".callgrind"):
            with open(os.path.join(work, file)) as f:
                total += sum(int(line.split()[1]) for line in f if line.startswith("totals:"))
    return total // requests


if __name__ == "__main__":
    main()
