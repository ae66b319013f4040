#!/usr/bin/env python3
"""Subscriptions under load across two instances (issue 23): 1,000 open subscriptions on
one instance, 200 mutations a second spread over both, on one PostgreSQL and Redis.

Usage: bench/realtime.py [--binary target/release/trellis] [--subscriptions 1000] [--rate 200]
                         [--duration 20] [--events 100] [--markdown FILE]

Seeds the `small` profile into the database trellis_bench_realtime (re-created), starts two
instances on it (one signing secret, Redis for the shared limits, as deploy/ describes),
hosts and opens EVENTS events as the benchmark's CPD lead, then runs the graphql-ws
reference client (bench/realtime/load.mjs): SUBSCRIPTIONS connections to instance B, one
`eventChanged` subscription each (subscription i follows event i mod EVENTS), and RATE
`updateEvent` mutations a second, alternating between A and B, for DURATION seconds. Each
mutation carries its send time in the title; a subscriber's latency is arrival minus send
time: the mutation, its commit, NOTIFY to the other instance when sent to A, the policy's
reload as each subscriber, and the WebSocket frame. Reports p50 and p99, deliveries lost
(must be none), memory per connection (instance B's resident memory before and after
opening the connections, divided by their number) and each instance's CPU.

One account stands in for 1,000 people (TRELLIS_WS_MAX_CONNECTIONS_PER_PERSON is raised to
allow it; each connection still signs in and every event is still reloaded through the
policy as its subscriber), and the per-principal rate limit is off for it, as in bench/run.sh.
Everything runs on loopback and is bounded in time; both instances are stopped on exit.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

from bench import CPD_LEAD, Trellis, gql, log
from ab import start

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def listening(url):
    """Whether an instance listens to the others (its /readyz says so)."""
    base = url.rsplit("/graphql", 1)[0]
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=2) as response:
                if json.loads(response.read()).get("detail", {}).get("otherInstances") == "listening":
                    return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, "target/release/trellis"))
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379"))
    parser.add_argument("--subscriptions", type=int, default=1000)
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--events", type=int, default=1000,
                        help="events followed: 1,000 gives each subscription its own (each mutation reaches one subscriber), 100 gives each event ten")
    parser.add_argument("--json", help="write the report here too")
    args = parser.parse_args()
    if not args.pg_url.startswith(("postgres://postgres@127.", "postgres://postgres@localhost")):
        sys.exit(f"realtime: refusing a non-loopback database server: {args.pg_url}")
    if not os.path.isdir(os.path.join(HERE, "realtime/node_modules/graphql-ws")):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=os.path.join(HERE, "realtime"), check=True)

    db = "trellis_bench_realtime"
    subprocess.run(["psql", "-q", f"{args.pg_url}/postgres", "-c", f"DROP DATABASE IF EXISTS {db}", "-c", f"CREATE DATABASE {db}"], check=True)
    database_url = f"{args.pg_url}/{db}?sslmode=disable"
    subprocess.run([args.binary, "seed", "--profile", "small", "--seed", "1", "--database-url", database_url],
                   check=True, stdout=subprocess.DEVNULL, env=dict(os.environ, RUST_LOG="warn"))

    work = tempfile.mkdtemp(prefix="trellis-realtime-")
    secret = os.urandom(24).hex()
    servers = {}
    try:
        # One signing secret and Redis for both, as deploy/ describes; the limits that one
        # account standing in for 1,000 people would hit are lifted.
        env = {"TRELLIS_JWT_SECRET": secret, "TRELLIS_REDIS_URL": args.redis_url,
               "TRELLIS_RATE_LIMIT_PER_MINUTE": "0", "TRELLIS_ANONYMOUS_RATE_LIMIT_PER_MINUTE": "0",
               "TRELLIS_WS_MAX_CONNECTIONS_PER_PERSON": str(args.subscriptions + 10), "RUST_LOG": "warn"}
        for name in ("a", "b"):
            servers[name] = start(args.binary, database_url, work, env=env)
        for name, (_, url) in servers.items():
            if not listening(url):
                sys.exit(f"realtime: instance {name} does not listen to the other")
        a = Trellis(servers["a"][1])
        token = a.token(CPD_LEAD)
        alliance = gql(a, token, "{ alliances(first: 1) { nodes { id } } }")["alliances"]["nodes"][0]["id"]
        events = []
        for n in range(args.events):
            day = datetime.date.today() + datetime.timedelta(days=30 + n % 60)
            event = gql(a, token, """mutation($input: HostEventInput!) { hostEvent(input: $input) {
                event { id } userErrors { code message } } }""", {"input": {
                "allianceId": alliance, "kind": "NETWORK_MEETING", "title": f"Network meeting {n + 1}",
                "sessions": [{"startsAt": f"{day}T15:30", "endsAt": f"{day}T17:00"}],
                "venue": {"address": "Teaching centre"}, "capacity": 30}})["hostEvent"]["event"]["id"]
            gql(a, token, "mutation($e: ID!) { openEventForBooking(input: {eventId: $e}) { userErrors { code message } } }",
                {"e": event})
            events.append(event)
        log(f"{len(events)} events open; starting the load")
        report_file = args.json or os.path.join(work, "report.json")
        run = subprocess.run(
            ["node", os.path.join(HERE, "realtime/load.mjs"),
             "--subscribe", servers["b"][1], "--mutate", f"{servers['a'][1]},{servers['b'][1]}",
             "--token", token, "--events", ",".join(events),
             "--subscriptions", str(args.subscriptions), "--rate", str(args.rate), "--duration", str(args.duration),
             "--pids", f"{servers['a'][0].pid},{servers['b'][0].pid}", "--json", report_file],
            timeout=args.duration + 180)
        return run.returncode
    finally:
        for process, _ in servers.values():
            process.terminate()
        for process, _ in servers.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    sys.exit(main())
