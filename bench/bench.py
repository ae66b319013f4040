#!/usr/bin/env python3
"""Trellis against PostGraphile over the same database: row-equality checks, then wrk load,
alternating between the two servers, and a Markdown table (see bench/run.sh, which starts
the servers and calls this).

For each query shape: both servers must return the same rows (ids, names, roles, dates, in
the same order; Trellis's global ids are decoded to row ids), then each is loaded with wrk at
each connection count, in rounds that alternate which server goes first; the median round is
reported. Trellis's SQL statements per request come from its /metrics counter around one
request; its peak memory from /proc/PID/status (VmHWM).

Exit status: 0 when every check passed, 1 when rows differed or a load run saw errors.
"""

import argparse
import base64
import datetime
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
QUERIES = os.path.join(HERE, "queries")
LUA = os.path.join(HERE, "wrk-post.lua")

CPD_LEAD = "bench-cpd-lead@trellis.example"
ADMIN = "bench-admin@trellis.example"
PASSWORD = "trellis-bench-lantern-2026"


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def loopback(url):
    if not re.match(r"^http://(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?/", url):
        sys.exit(f"refusing non-loopback URL {url}")
    return url


def post(url, body, token=None, timeout=30):
    data = json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method="POST")
    request.add_header("content-type", "application/json")
    request.add_header("accept", "application/graphql-response+json, application/json")
    if token:
        request.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
    except urllib.error.HTTPError as error:
        raw = error.read()
    return raw, json.loads(raw)


def query_text(name, server):
    with open(os.path.join(QUERIES, f"{name}.{server}.graphql")) as f:
        return f.read()


class Trellis:
    def __init__(self, url):
        self.url = loopback(url)
        self.base = url.rsplit("/graphql", 1)[0]
        self.tokens = {}

    def token(self, email):
        """An access token; signs in again before the 15-minute token runs out."""
        token, at = self.tokens.get(email, (None, 0))
        if token and time.time() - at < 600:
            return token
        query = "mutation($e: String!, $p: String!) { signIn(input: {email: $e, password: $p}) { session { accessToken } userErrors { code message } } }"
        _, answer = post(self.url, {"query": query, "variables": {"e": email, "p": PASSWORD}})
        session = (answer.get("data") or {}).get("signIn", {}).get("session")
        if not session:
            sys.exit(f"could not sign in to Trellis as {email}: {answer}")
        self.tokens[email] = (session["accessToken"], time.time())
        return session["accessToken"]

    def statements(self):
        with urllib.request.urlopen(f"{self.base}/metrics", timeout=10) as response:
            text = response.read().decode()
        match = re.search(r"^trellis_sql_statements_total (\d+)", text, re.M)
        return int(match.group(1)) if match else None


def trellis_id(kind, key):
    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode().rstrip("=")


def decode_id(value):
    try:
        text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        kind, key = text.split(":", 1)
        return f"{kind}:{int(key)}"
    except Exception:
        return value


# Field names of PostGraphile's generated schema -> Trellis's.
RENAMES = {
    "rowId": "id",
    "node": "school",
    "allianceMemberships": "memberships",
    "partnershipSchools": "partnerships",
    "staffRoles": "staff",
}
# The type each object key holds, to give PostGraphile's integer ids Trellis's kinds.
KIND_OF = {
    "alliances": "Alliance", "alliance": "Alliance", "memberships": "AllianceMembership",
    "school": "School", "schools": "School", "leadSchool": "School", "node": "School",
    "staff": "StaffRole", "person": "Person", "people": "Person",
    "partnerships": "PartnershipSchool", "partnership": "Partnership",
}


def normalize(value, kind=None):
    """Comparable rows: PostGraphile's names mapped to Trellis's, ids as 'Kind:key',
    cursors dropped (each server has its own)."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            key = RENAMES.get(key, key)
            if key in ("endCursor", "startCursor"):
                continue
            if key == "id":
                out["id"] = f"{kind}:{item}" if isinstance(item, int) else decode_id(item)
            else:
                out[key] = normalize(item, KIND_OF.get(key, kind))
        return out
    if isinstance(value, list):
        return [normalize(item, kind) for item in value]
    return value


def first_difference(a, b, path="data"):
    if type(a) is not type(b):
        return f"{path}: {json.dumps(a)[:200]} != {json.dumps(b)[:200]}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return f"{path}.{key}: only in {'Trellis' if key in a else 'PostGraphile'}"
            found = first_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} rows from Trellis, {len(b)} from PostGraphile"
        for index, (x, y) in enumerate(zip(a, b)):
            found = first_difference(x, y, f"{path}[{index}]")
            if found:
                return found
        return None
    return None if a == b else f"{path}: {a!r} != {b!r}"


def count_rows(value):
    """Objects with an id: the rows a response carries."""
    if isinstance(value, dict):
        return ("id" in value) + sum(count_rows(v) for v in value.values())
    if isinstance(value, list):
        return sum(count_rows(v) for v in value)
    return 0


def page_cursor(url, server, skip, token=None, root="schools"):
    """The cursor after the first `skip` rows of a list, walked page by page."""
    name = {"schools": "deep-page", "people": "people-page"}[root]
    text = query_text(name, server)
    after = None
    while skip > 0:
        size = min(skip, 100)
        _, answer = post(url, {"query": text, "variables": {"first": size, "after": after}}, token)
        if answer.get("errors"):
            sys.exit(f"walking {root} on {server}: {answer['errors']}")
        after = answer["data"][root]["pageInfo"]["endCursor"]
        skip -= size
    return after


def psql(database_url, sql):
    return subprocess.run(["psql", database_url, "-Atc", sql], check=True, capture_output=True, text=True).stdout.strip()


def _stat(pid):
    """A process's name and the fields of /proc/PID/stat after it."""
    with open(f"/proc/{pid}/stat") as f:
        name, rest = f.read().rsplit(")", 1)
    return name.split("(", 1)[1], rest.split()


def cpu_seconds(pid):
    """User and system CPU time of a process (all its threads) so far."""
    if not pid:
        return None
    try:
        fields = _stat(pid)[1]
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return None


def database_cpu_seconds():
    """CPU time the local PostgreSQL server has used so far: its live processes, plus the
    backends that have exited (counted in the postmaster's reaped-children time). None
    when no PostgreSQL process is visible."""
    processes = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                name, fields = _stat(entry)
            except OSError:
                continue
            if name == "postgres":
                processes[entry] = fields
    if not processes:
        return None
    ticks = 0
    for fields in processes.values():
        ticks += int(fields[11]) + int(fields[12])
        if fields[1] not in processes:  # the postmaster: its parent is not PostgreSQL
            ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def per_request_ms(before, after, requests):
    if before is None or after is None or not requests:
        return None
    return (after - before) * 1000 / requests


def wrk(url, body_file, token, connections, duration, pid=None):
    """One wrk run; with the server's pid, also its CPU time per request (the server
    process alone), and the PostgreSQL server's CPU time per request."""
    threads = min(2, connections)
    command = ["timeout", str(duration + 30), "wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s",
               "--latency", "-s", LUA, url]
    env = dict(os.environ, BODY=body_file, AUTH=f"Bearer {token}" if token else "")
    cpu_before, db_before = cpu_seconds(pid), database_cpu_seconds()
    out = subprocess.run(command, env=env, capture_output=True, text=True).stdout
    cpu_after, db_after = cpu_seconds(pid), database_cpu_seconds()
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    lat = re.search(r"p50=([\d.]+)ms p90=([\d.]+)ms p99=([\d.]+)ms", out)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: (.*)", out)
    if not rps or not lat:
        log(out)
        return None
    total = re.search(r"(\d+) requests in", out)
    requests = int(total.group(1)) if total else 0
    return {
        "cpu_ms": per_request_ms(cpu_before, cpu_after, requests),
        "db_ms": per_request_ms(db_before, db_after, requests),
        "rps": float(rps.group(1)),
        "p50": float(lat.group(1)),
        "p99": float(lat.group(3)),
        "errors": int(bad.group(1)) if bad else 0,
        "socket": sock.group(1) if sock else "",
    }


def median_run(runs):
    runs = [r for r in runs if r]
    if not runs:
        return None
    return {
        "rps": statistics.median(r["rps"] for r in runs),
        "p50": statistics.median(r["p50"] for r in runs),
        "p99": statistics.median(r["p99"] for r in runs),
        "errors": sum(r["errors"] for r in runs),
        "cpu_ms": statistics.median(r["cpu_ms"] for r in runs) if all(r.get("cpu_ms") for r in runs) else None,
        "db_ms": statistics.median(r["db_ms"] for r in runs) if all(r.get("db_ms") for r in runs) else None,
    }


def vm_hwm(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        return None
    return None


def gql(trellis, token, query, variables=None):
    """One operation through Trellis's API; exits on any error."""
    _, answer = post(trellis.url, {"query": query, "variables": variables or {}}, token)
    if answer.get("errors") or not answer.get("data"):
        sys.exit(f"bench: Trellis refused {query[:60]}...: {json.dumps(answer)[:300]}")
    for payload in answer["data"].values():
        if isinstance(payload, dict) and payload.get("userErrors"):
            sys.exit(f"bench: {query[:60]}...: {payload['userErrors']}")
    return answer["data"]


def first_alliance(trellis, token):
    """The first alliance the caller administers (the benchmark CPD lead's first)."""
    return gql(trellis, token, "{ viewer { administeredAlliances { id } } }")["viewer"]["administeredAlliances"][0]["id"]


def suggestion_variables(trellis, token):
    """Coaching suggestions' variables: the caller's first alliance and the theme
    "Assessment for learning"."""
    themes = gql(trellis, token, "{ themes { id name } }")["themes"]
    theme = next(t["id"] for t in themes if t["name"] == "Assessment for learning")
    return {"alliance": first_alliance(trellis, token), "theme": theme}


def statement_count(trellis, body, token):
    """Trellis's SQL statements for one request, the median of three (a request that finds
    the caller's cached access gone reads it again)."""
    counts = []
    for _ in range(3):
        before = trellis.statements()
        post(trellis.url, body, token)
        counts.append(trellis.statements() - before)
    return statistics.median(counts)


def sequential_ms(trellis, body, token, requests=20):
    """The time of one request on its own: the median of `requests` sent one after the
    other (each on a new connection, as urllib does), in ms. Less sensitive to other
    work on the machine than a saturating load."""
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        post(trellis.url, body, token)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def community_fixture(trellis, token, database_url):
    """A community in the CPD lead's first alliance, made through the API as a client
    would (the seed has no communities yet): 24 invited staff of its member schools, 3
    meetings, 12 threads of 4 replies. Returns the community's id."""
    alliance = gql(trellis, token, "{ alliances(first: 1) { nodes { id } } }")["alliances"]["nodes"][0]["id"]
    alliance_row = decode_id(alliance).split(":")[1]
    people = psql(database_url, f"""
        SELECT string_agg(person_id::text, ',') FROM (
          SELECT DISTINCT s.person_id FROM staff_role s
          JOIN alliance_membership m ON m.school_id = s.school_id
          WHERE m.alliance_id = {int(alliance_row)} AND m.status = 'ACTIVE' AND s.ends_on IS NULL
          ORDER BY s.person_id LIMIT 24) p""").split(",")
    people = [person for person in people if person]
    created = gql(trellis, token, """mutation($a: ID!) { createCommunity(input: {allianceId: $a,
        name: "Reading for pleasure network", purpose: "How do we grow a culture of reading across our schools?",
        kind: COLLABORATION_NETWORK}) { community { id } userErrors { code message } } }""", {"a": alliance})
    community = created["createCommunity"]["community"]["id"]
    gql(trellis, token, "mutation($c: ID!) { activateCommunity(input: {communityId: $c}) { userErrors { code message } } }",
        {"c": community})
    for person in people:
        gql(trellis, token, """mutation($c: ID!, $p: ID!) { inviteToCommunity(input: {communityId: $c, personId: $p})
            { userErrors { code message } } }""", {"c": community, "p": trellis_id("Person", int(person))})
    for n in range(3):
        day = datetime.date.today() + datetime.timedelta(days=7 * (n + 1))
        gql(trellis, token, """mutation($c: ID!, $t: String!, $s: DateTime!, $e: DateTime!) { scheduleCommunityMeeting(input:
            {communityId: $c, title: $t, startsAt: $s, endsAt: $e, place: "Library"}) { userErrors { code message } } }""",
            {"c": community, "t": f"Network meeting {n + 1}", "s": f"{day}T15:30:00Z", "e": f"{day}T17:00:00Z"})
    for n in range(12):
        thread = gql(trellis, token, """mutation($c: ID!, $t: String!, $b: String!) { startDiscussionThread(input:
            {communityId: $c, title: $t, bodyMarkdown: $b}) { thread { id } userErrors { code message } } }""",
            {"c": community, "t": f"Question {n + 1}: what worked this term?",
             "b": "What did you try, and what did you **notice**?\n\n- one\n- two"})["startDiscussionThread"]["thread"]["id"]
        for r in range(4):
            gql(trellis, token, """mutation($t: ID!, $b: String!) { replyToDiscussionThread(input:
                {threadId: $t, bodyMarkdown: $b}) { userErrors { code message } } }""",
                {"t": thread, "b": f"Reply {r + 1}: we tried paired reading with Year 7."})
    return community


def events_fixture(trellis, token, database_url):
    """Events in the CPD lead's first alliance, made once: 24 courses hosted through the
    API as a client would, held at its member schools in turn, each with 10 confirmed
    bookings of staff of the alliance's schools (written in SQL: the seed has no events and
    its people cannot sign in). The first 12 are then moved to earlier today, held and
    attended, so that the ledger has days given (hosting) and received (attending).
    Returns the alliance's id and the academic year of today."""
    if getattr(trellis, "events", None):
        return trellis.events
    alliance = gql(trellis, token, "{ alliances(first: 1) { nodes { id } } }")["alliances"]["nodes"][0]["id"]
    alliance_row = int(decode_id(alliance).split(":")[1])
    schools = [int(s) for s in psql(database_url, f"""
        SELECT string_agg(school_id::text, ',' ORDER BY school_id) FROM alliance_membership
        WHERE alliance_id = {alliance_row} AND status = 'ACTIVE'""").split(",") if s]
    staff = [tuple(int(v) for v in row.split("|")) for row in psql(database_url, f"""
        SELECT DISTINCT ON (s.person_id) s.person_id, s.school_id FROM staff_role s
        JOIN alliance_membership m ON m.school_id = s.school_id
        WHERE m.alliance_id = {alliance_row} AND m.status = 'ACTIVE' AND s.ends_on IS NULL
        ORDER BY s.person_id LIMIT 240""").splitlines() if row]
    events = []
    for n in range(24):
        day = datetime.date.today() + datetime.timedelta(days=14 + n)
        hosted = gql(trellis, token, """mutation($input: HostEventInput!) { hostEvent(input: $input) {
            event { id } userErrors { code message } } }""", {"input": {
            "allianceId": alliance, "kind": "COURSE", "title": f"Questioning for deeper thinking, cohort {n + 1}",
            "descriptionMarkdown": "Hinge questions, wait time, **no hands up**.", "phases": ["PRIMARY", "SECONDARY"],
            "sessions": [{"startsAt": f"{day}T09:00", "endsAt": f"{day}T12:00"},
                         {"startsAt": f"{day}T13:00", "endsAt": f"{day}T15:30"}],
            "venue": {"schoolId": trellis_id("School", schools[n % len(schools)])},
            "capacity": 12, "approvalRequired": False, "releaseDays": 1.0}})["hostEvent"]["event"]["id"]
        gql(trellis, token, "mutation($e: ID!) { openEventForBooking(input: {eventId: $e}) { userErrors { code message } } }",
            {"e": hosted})
        events.append(int(decode_id(hosted).split(":")[1]))
    rows = []
    for n, event in enumerate(events):
        for k in range(10):
            person, school = staff[(n * 10 + k) % len(staff)]
            rows.append(f"({event}, {person}, {school}, {person}, 'CONFIRMED', 1, now(), now())")
    held = ",".join(str(e) for e in events[:12])
    psql(database_url, f"""
        INSERT INTO event_booking (event_id, person_id, school_id, booked_by_id, status, version, created_at, updated_at)
        VALUES {",".join(rows)};
        UPDATE event SET places_taken = 10 WHERE id IN ({",".join(str(e) for e in events)});
        UPDATE event SET starts_at = now() - interval '3 hours', ends_at = now() - interval '1 hour',
          booking_opens_at = NULL, booking_closes_at = NULL, status = 'HELD' WHERE id IN ({held});
        UPDATE event_session SET starts_at = now() - interval '3 hours', ends_at = now() - interval '1 hour'
          WHERE event_id IN ({held});
        UPDATE event_booking SET status = 'ATTENDED', attendance_recorded_at = now() WHERE event_id IN ({held});""")
    today = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=3)
    trellis.events = (alliance, today.year if today.month >= 9 else today.year - 1)
    return trellis.events


def leadership_fixture(trellis, token, database_url):
    """Invitations to lead in the CPD lead's first alliance, made once through the API as a
    coordinator would: up to 60 active staff of its schools each invited to lead one of the events of
    `events_fixture` still to come; a third of them then accepted and a sixth declined (in
    SQL: the seed's people cannot sign in). Returns the alliance's id."""
    if getattr(trellis, "leadership", None):
        return trellis.leadership
    alliance, _ = events_fixture(trellis, token, database_url)
    alliance_row = int(decode_id(alliance).split(":")[1])
    upcoming = [int(e) for e in psql(database_url, f"""
        SELECT string_agg(id::text, ',' ORDER BY id) FROM event
        WHERE alliance_id = {alliance_row} AND status = 'OPEN'""").split(",") if e]
    people = [int(p) for p in psql(database_url, f"""
        SELECT string_agg(person_id::text, ',') FROM (SELECT DISTINCT s.person_id FROM staff_role s
        JOIN alliance_membership m ON m.school_id = s.school_id
        JOIN person p ON p.id = s.person_id AND p.status = 'ACTIVE'
        WHERE m.alliance_id = {alliance_row} AND m.status = 'ACTIVE' AND s.ends_on IS NULL
        ORDER BY s.person_id DESC LIMIT 60) p""").split(",") if p]
    made = []
    for n, person in enumerate(people):
        invited = gql(trellis, token, """mutation($input: InviteToLeadInput!) { inviteToLead(input: $input) {
            invitation { id } userErrors { code message } } }""", {"input": {
            "allianceId": alliance, "personId": trellis_id("Person", person), "kind": "LEAD_EVENT",
            "subjectId": trellis_id("Event", upcoming[n % len(upcoming)]),
            "what": f"Lead the afternoon session of cohort {n % len(upcoming) + 1}",
            "message": "You ran this so well in your own school: would you lead it for the alliance?"}})
        made.append(int(decode_id(invited["inviteToLead"]["invitation"]["id"]).split(":")[1]))
    accepted = ",".join(str(i) for i in made[::3])
    declined = ",".join(str(i) for i in made[1::6])
    psql(database_url, f"""
        UPDATE leadership_invitation SET status = 'ACCEPTED', responded_at = now() WHERE id IN ({accepted});
        UPDATE leadership_invitation SET status = 'DECLINED', responded_at = now() WHERE id IN ({declined});""")
    trellis.leadership = alliance
    return alliance


def compared_shapes(args, trellis, rival, token):
    """The shapes both servers serve, with each one's variables (those `--shapes` keeps),
    and the school the school shapes read: the one in most partnerships and alliances."""
    school = int(psql(args.database_url, """
        SELECT s.id FROM school s ORDER BY
          (SELECT count(*) FROM partnership_school p WHERE p.school_id = s.id)
          + (SELECT count(*) FROM alliance_membership m WHERE m.school_id = s.id) DESC, s.id LIMIT 1"""))
    wanted = args.shapes.split(",") if args.shapes else None
    shapes = [
        ("nested", "Nested list: 10 alliances → memberships → school → 5 staff → person", {}, {}),
        ("school", f"One school by id (school {school})", {"id": trellis_id("School", school)}, {"id": school}),
        ("school-page", "School page: the school, its alliances, partnerships and staff",
         {"id": trellis_id("School", school)}, {"id": school}),
    ]
    if not wanted or "deep-page" in wanted:
        shapes.append(("deep-page", f"Deep page: 20 schools after the {args.deep}th, by cursor",
                       {"first": 20, "after": page_cursor(trellis.url, "trellis", args.deep, token)},
                       {"first": 20, "after": page_cursor(rival, "postgraphile", args.deep)}))
    return school, [shape for shape in shapes if not wanted or shape[0] in wanted]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trellis", required=True, help="Trellis GraphQL URL (loopback)")
    parser.add_argument("--postgraphile", help="PostGraphile GraphQL URL (loopback); without it, Trellis alone")
    parser.add_argument("--database-url", required=True, help="the PostgreSQL database both serve")
    parser.add_argument("--trellis-pid", type=int)
    parser.add_argument("--postgraphile-pid", type=int)
    parser.add_argument("--duration", type=int, default=5, help="seconds of each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="wrk runs of each server per shape and connection count")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of unrecorded load before each shape")
    parser.add_argument("--connections", default="1,16")
    parser.add_argument("--shapes", help="only these shapes, comma-separated keys (e.g. nested,school); with --national, "
                        "the cases of these query keys (e.g. coaching-suggestions)")
    parser.add_argument("--deep", type=int, default=40, help="rows before the deep page")
    parser.add_argument("--national", action="store_true", help="Trellis alone: national figures")
    parser.add_argument("--markdown", help="write the results section (Markdown) here")
    parser.add_argument("--json", help="write the raw results here")
    args = parser.parse_args()
    connections = [int(c) for c in args.connections.split(",")]
    if args.national:
        return national(args, connections)
    trellis = Trellis(args.trellis)
    token = trellis.token(CPD_LEAD)
    # Without PostGraphile, only the shapes it has no counterpart for (ALONE).
    rival = loopback(args.postgraphile) if args.postgraphile else None
    school, shapes = compared_shapes(args, trellis, rival, token) if rival else (None, [])
    work = tempfile.mkdtemp(prefix="trellis-bench-")
    results, failures = [], []
    for key, title, t_vars, p_vars in shapes:
        token = trellis.token(CPD_LEAD)
        t_body = {"query": query_text(key, "trellis"), "variables": t_vars}
        p_body = {"query": query_text(key, "postgraphile"), "variables": p_vars}
        t_raw, t_answer = post(trellis.url, t_body, token)
        p_raw, p_answer = post(rival, p_body)
        row = {"key": key, "title": title, "t_bytes": len(t_raw), "p_bytes": len(p_raw), "runs": {}}
        for name, answer in (("Trellis", t_answer), ("PostGraphile", p_answer)):
            if answer.get("errors") or not answer.get("data"):
                failures.append(f"{key}: {name} answered {json.dumps(answer)[:300]}")
        t_rows, p_rows = normalize(t_answer.get("data")), normalize(p_answer.get("data"))
        difference = first_difference(t_rows, p_rows)
        row["rows"] = count_rows(t_rows)
        row["same"] = difference is None and row["rows"] > 0
        if not row["same"]:
            failures.append(f"{key}: rows differ: {difference or 'no rows'}")
        log(f"[{key}] rows: {row['rows']} from each, {'same' if row['same'] else 'DIFFERENT: ' + str(difference)}; "
            f"{row['t_bytes']} / {row['p_bytes']} bytes")
        # Trellis's SQL statements for one request (median of three).
        counts = []
        for _ in range(3):
            before = trellis.statements()
            post(trellis.url, t_body, token)
            after = trellis.statements()
            if before is not None and after is not None:
                counts.append(after - before)
        row["statements"] = statistics.median(counts) if counts else None
        t_file, p_file = os.path.join(work, f"{key}.trellis.json"), os.path.join(work, f"{key}.postgraphile.json")
        with open(t_file, "w") as f:
            json.dump(t_body, f)
        with open(p_file, "w") as f:
            json.dump(p_body, f)
        servers = {"trellis": (trellis.url, t_file, token, args.trellis_pid),
                   "postgraphile": (rival, p_file, None, args.postgraphile_pid)}
        if args.warmup > 0:
            for name, (url, body, auth, _) in servers.items():
                wrk(url, body, auth, 16, args.warmup)
        for conns in connections:
            runs = {"trellis": [], "postgraphile": []}
            for round_ in range(args.rounds):
                order = ["trellis", "postgraphile"] if round_ % 2 == 0 else ["postgraphile", "trellis"]
                for name in order:
                    url, body, auth, pid = servers[name]
                    result = wrk(url, body, auth, conns, args.duration, pid)
                    runs[name].append(result)
                    if result:
                        log(f"[{key}] c={conns} {name:12} {result['rps']:9.1f} req/s  p50 {result['p50']:7.2f} ms  p99 {result['p99']:7.2f} ms"
                            + (f"  cpu {result['cpu_ms']:.2f} ms/req" if result["cpu_ms"] else "")
                            + (f"  {result['errors']} non-2xx" if result["errors"] else ""))
                    else:
                        failures.append(f"{key}: wrk failed on {name} at {conns} connections")
            row["runs"][conns] = {name: median_run(r) for name, r in runs.items()}
            for name, result in row["runs"][conns].items():
                if result and result["errors"]:
                    failures.append(f"{key}: {name} answered {result['errors']} non-2xx responses at {conns} connections")
        results.append(row)
    alone = trellis_alone(args, trellis, connections, work, failures)
    peak = {"trellis": vm_hwm(args.trellis_pid) if args.trellis_pid else None,
            "postgraphile": vm_hwm(args.postgraphile_pid) if args.postgraphile_pid else None}
    report = {"results": results, "alone": alone, "peak_mib": peak, "failures": failures, "connections": connections,
              "duration": args.duration, "rounds": args.rounds, "school": school}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)
    markdown = render(report)
    print(markdown)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(markdown)
    for failure in failures:
        log("FAILED:", failure)
    print(f"bench: {sum(r['same'] for r in results)} passed, {len(results) - sum(r['same'] for r in results)} failed")
    return 1 if failures else 0


# Shapes only Trellis serves (issue 5, shape 5): PostGraphile has no access policy to say who
# may read a community, and no full-text search with snippets. Practice search runs over the
# profile's seeded practice (400 items on `alliance`; bench/search.sh for 100,000). Delta
# sync has no counterpart either: it reads the lists changed since a sync just taken. The
# events page and the release ledger read the events made by `events_fixture`. Coaching
# suggestions read the generated expertise profiles (`seed::generated::expertise`), the
# observation activity dashboard the generated observations (`seed::generated::observations`),
# the invitations to lead those made by `leadership_fixture` for the events' sessions.
ALONE = ["community-page", "practice-search", "delta-sync", "events-page", "release-ledger",
         "coaching-suggestions", "observation-activity", "leadership-invitations"]


def trellis_alone(args, trellis, connections, work, failures):
    wanted = [key for key in ALONE if not args.shapes or key in args.shapes.split(",")]
    rows = []
    for key in wanted:
        token = trellis.token(CPD_LEAD)
        if key == "community-page":
            title = "Community page: members, meetings, 12 threads with replies"
            variables = {"id": community_fixture(trellis, token, args.database_url)}
        elif key == "practice-search":
            title = "Practice search: a common word, 20 hits with count, snippets and school"
            variables = {"q": "feedback"}
        elif key == "coaching-suggestions":
            title = "Coaching suggestions: needs in one theme across the alliance, ranked pairs with schools"
            variables = suggestion_variables(trellis, token)
        elif key == "observation-activity":
            title = "Observation activity: one alliance's schools, per term and theme, counts of five or more"
            variables = {"alliance": first_alliance(trellis, token)}
        elif key == "leadership-invitations":
            title = "Invitations to lead: a page of 20 of one alliance's (up to 60), with people and the events they are about"
            variables = {"alliance": leadership_fixture(trellis, token, args.database_url)}
        elif key == "delta-sync":
            title = "Delta sync: people, communities and practice changed since the last sync, with tombstones"
            variables = {"since": gql(trellis, token, "{ sync { syncedAt } }")["sync"]["syncedAt"]}
        elif key == "events-page":
            title = "Events page: 20 events with sessions, themes, venue, facilitators and 10 bookings each"
            variables = {"alliance": events_fixture(trellis, token, args.database_url)[0]}
        elif key == "release-ledger":
            alliance, year = events_fixture(trellis, token, args.database_url)
            title = "Release ledger: every school of an alliance, its days given and received, and the fairness summary"
            variables = {"alliance": alliance, "year": year}
        body = {"query": query_text(key, "trellis"), "variables": variables}
        raw, answer = post(trellis.url, body, token)
        if answer.get("errors") or not answer.get("data"):
            failures.append(f"{key}: Trellis answered {json.dumps(answer)[:300]}")
            continue
        statements = statement_count(trellis, body, token)
        path = os.path.join(work, f"{key}.trellis.json")
        with open(path, "w") as f:
            json.dump(body, f)
        if args.warmup:
            wrk(trellis.url, path, token, 16, args.warmup)
        runs = {}
        for conns in connections:
            runs[conns] = median_run([wrk(trellis.url, path, token, conns, args.duration, args.trellis_pid)
                                      for _ in range(args.rounds)])
            log(f"[{key}] c={conns} {runs[conns]}")
        rows.append({"key": key, "title": title, "runs": runs, "statements": statements,
                     "rows": count_rows(normalize(answer["data"])), "bytes": len(raw)})
    return rows


def ratio(a, b):
    return f"{a / b:.2f}×" if a and b else "–"


def cpu(run, key="cpu_ms"):
    return f"{run[key]:.1f}" if run.get(key) else "–"


def render(report):
    lines = []
    if report["results"]:
        lines.append("| shape | conns | Trellis req/s | p50 ms | p99 ms | PostGraphile req/s | p50 ms | p99 ms | req/s T/P | p50 T/P | p99 T/P | server CPU ms/req T / P | PostgreSQL CPU ms/req T / P | SQL stmts/req (Trellis) | rows | bytes T / P |")
        lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in report["results"]:
        for conns, runs in row["runs"].items():
            t, p = runs.get("trellis"), runs.get("postgraphile")
            if not t or not p:
                continue
            lines.append(
                f"| {row['title']} | {conns} | {t['rps']:.0f} | {t['p50']:.2f} | {t['p99']:.2f} | {p['rps']:.0f} | {p['p50']:.2f} | {p['p99']:.2f} "
                f"| **{ratio(t['rps'], p['rps'])}** | {ratio(t['p50'], p['p50'])} | {ratio(t['p99'], p['p99'])} "
                f"| {cpu(t)} / {cpu(p)} | {cpu(t, 'db_ms')} / {cpu(p, 'db_ms')} "
                f"| {row['statements'] if row['statements'] is not None else '–'} | {row['rows']}{'' if row['same'] else ' (DIFFER)'} | {row['t_bytes']} / {row['p_bytes']} |")
    if report.get("alone"):
        lines.append("")
        lines.append("Trellis alone (no PostGraphile counterpart):")
        lines.append("")
        lines.append("| shape | conns | req/s | p50 ms | p99 ms | server CPU ms/req | SQL stmts/req | rows | bytes |")
        lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for row in report["alone"]:
            for conns, r in row["runs"].items():
                if r:
                    lines.append(f"| {row['title']} | {conns} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {cpu(r)} "
                                 f"| {row['statements']} | {row['rows']} | {row['bytes']} |")
    peak = report["peak_mib"]
    lines.append("")
    rival = f", PostGraphile {peak['postgraphile']} MiB (Node)" if peak["postgraphile"] else ""
    lines.append(f"Peak resident memory over the whole run (VmHWM): Trellis {peak['trellis']} MiB{rival}.")
    nested = next((r for r in report["results"] if r["key"] == "nested"), None)
    if nested and 16 in nested["runs"] and 1 in nested["runs"]:
        t16, p16 = nested["runs"][16]["trellis"], nested["runs"][16]["postgraphile"]
        t1, p1 = nested["runs"][1]["trellis"], nested["runs"][1]["postgraphile"]
        if t16 and p16 and t1 and p1:
            ok1 = t16["rps"] >= 2 * p16["rps"] and t16["p99"] < p16["p99"]
            ok2 = t1["p50"] <= p1["p50"] / 2
            lines.append("")
            lines.append("Targets (nested list):")
            lines.append(f"- 16 connections, at least 2× PostGraphile's requests/s with a lower p99: {t16['rps']:.0f} vs {p16['rps']:.0f} req/s ({ratio(t16['rps'], p16['rps'])}), p99 {t16['p99']:.2f} vs {p16['p99']:.2f} ms: **{'met' if ok1 else 'missed'}**")
            lines.append(f"- 1 connection, p50 at most half of PostGraphile's: {t1['p50']:.2f} vs {p1['p50']:.2f} ms ({ratio(t1['p50'], p1['p50'])}): **{'met' if ok2 else 'missed'}**")
    return "\n".join(lines) + "\n"


def national(args, connections):
    """Trellis alone on the national dataset: first and deep pages, the nested list, search,
    coaching suggestions and observation activity. `--shapes` keeps the cases of those
    query keys (each case's variables are found only when it runs)."""
    trellis = Trellis(args.trellis)
    lead, admin = trellis.token(CPD_LEAD), trellis.token(ADMIN)
    cases = [
        ("schools first page (20)", "deep-page", lambda: {"first": 20, "after": None}, lead),
        (f"schools page after {args.deep:,}", "deep-page", lambda: {"first": 20, "after": page_cursor(trellis.url, "trellis", args.deep, lead)}, lead),
        ("people first page (20, platform admin)", "people-page", lambda: {"first": 20, "after": None}, admin),
        (f"people page after {args.deep:,} (platform admin)", "people-page", lambda: {"first": 20, "after": page_cursor(trellis.url, "trellis", args.deep, admin, root="people")}, admin),
        ("nested list (CPD lead of 12 alliances)", "nested", lambda: {}, lead),
        ("practice search, rare word (CPD lead)", "practice-search", lambda: {"q": "etymology"}, lead),
        ("practice search, common word (CPD lead)", "practice-search", lambda: {"q": "feedback"}, lead),
        ("coaching suggestions, one theme (CPD lead)", "coaching-suggestions", lambda: suggestion_variables(trellis, lead), lead),
        ("observation activity, one alliance (CPD lead)", "observation-activity", lambda: {"alliance": first_alliance(trellis, lead)}, lead),
    ]
    if args.shapes:
        cases = [case for case in cases if case[1] in args.shapes.split(",")]
    work = tempfile.mkdtemp(prefix="trellis-bench-")
    rows, failures = [], []
    for index, (title, key, variables, token) in enumerate(cases):
        body = {"query": query_text(key, "trellis"), "variables": variables()}
        raw, answer = post(trellis.url, body, token)
        if answer.get("errors") or not answer.get("data"):
            failures.append(f"{title}: {json.dumps(answer)[:300]}")
            continue
        statements = statement_count(trellis, body, token)
        alone = sequential_ms(trellis, body, token)
        log(f"[{title}] one request alone: {alone:.2f} ms (median of 20 sequential)")
        path = os.path.join(work, f"{index}.json")
        with open(path, "w") as f:
            json.dump(body, f)
        if args.warmup:
            wrk(trellis.url, path, token, 16, args.warmup)
        for conns in connections:
            result = median_run([wrk(trellis.url, path, token, conns, args.duration, args.trellis_pid)
                                 for _ in range(args.rounds)])
            log(f"[{title}] c={conns} {result}")
            rows.append((title, conns, result, statements, count_rows(normalize(answer["data"])), len(raw), alone))
    lines = ["| query (Trellis alone) | conns | req/s | p50 ms | p99 ms | p99 < 50 ms | server CPU ms/req | SQL stmts/req | rows | bytes | one request alone, ms |",
             "| --- | ---: | ---: | ---: | ---: | :---: | ---: | ---: | ---: | ---: | ---: |"]
    for title, conns, r, statements, count, size, alone in rows:
        if r:
            lines.append(f"| {title} | {conns} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {'yes' if r['p99'] < 50 else '**no**'} | {cpu(r)} | {statements} | {count} | {size} | {alone:.2f} |")
    lines.append("")
    lines.append(f"Peak resident memory (VmHWM): Trellis {vm_hwm(args.trellis_pid) if args.trellis_pid else '–'} MiB. "
                 "One request alone: the median of 20 requests sent one after the other, each on a new connection.")
    markdown = "\n".join(lines) + "\n"
    print(markdown)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(markdown)
    for failure in failures:
        log("FAILED:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
