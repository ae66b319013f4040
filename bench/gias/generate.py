#!/usr/bin/env python3
"""Writes a synthetic GIAS establishment extract of N rows (default 50,000) to stdout's
file argument, Windows-1252, with the real extract's 139 columns: for measuring
`trellis import gias` (see run.sh and BENCHMARKS.md). Not shipped: generated on demand.

Usage: generate.py OUT.csv [ROWS] [SEED]   (a later SEED renames a tenth of the schools
and closes a few, for measuring a re-import that changes some rows)."""
import csv, random, sys

HEADER = open(__file__.rsplit("/", 1)[0] + "/header.txt", encoding="ascii").read().strip().split("\t")

out, rows = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 50_000
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
rng = random.Random(1)
PLACES = ["Ashby", "Brampton", "Carlton", "Denholme", "Eastfield", "Fairburn", "Garforth", "Holbeck", "Ilkley", "Kippax", "Lofthouse", "Marsden", "Netherton", "Oakworth", "Pudsey", "Rothwell", "Saltaire", "Thornbury", "Upperthong", "Wrenthorpe"]
KINDS = [("Community school", "Primary", 4, 11), ("Academy converter", "Secondary", 11, 18), ("Voluntary aided school", "Primary", 3, 11),
         ("Foundation special school", "Not applicable", 2, 19), ("Other independent school", "Not applicable", 3, 18),
         ("Local authority nursery school", "Nursery", 2, 5), ("Academy sponsor led", "All-through", 4, 18),
         ("Higher education institutions", "Not applicable", None, None), ("Pupil referral unit", "Not applicable", 11, 16)]
with open(out, "w", encoding="cp1252", newline="") as f:
    w = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    w.writerow(HEADER)
    for n in range(rows):
        urn = str(100000 + n)
        kind, phase, low, high = KINDS[rng.randrange(len(KINDS))]
        place = PLACES[rng.randrange(len(PLACES))]
        closed = rng.random() < 0.3
        # Changes of a later extract, chosen apart from `rng` so that the rest stays the same.
        renamed = seed and (n * 7919 + seed) % 10 == 0
        r = {h: "" for h in HEADER}
        r.update({"URN": urn, "LA (code)": "383", "LA (name)": place, "EstablishmentName": f"{place} {'Thérèse ' if n % 7 == 0 else ''}School {n}{' (renamed)' if renamed else ''}",
                  "TypeOfEstablishment (name)": kind, "EstablishmentStatus (name)": "Closed" if closed or (seed and n % 97 == 0) else "Open",
                  "PhaseOfEducation (name)": phase, "StatutoryLowAge": low or "", "StatutoryHighAge": high or "",
                  "CloseDate": "31-08-2019" if closed else "", "LastChangedDate": "04-02-2026", "Trusts (name)": "Northern Lights Learning Trust" if n % 5 == 0 else "",
                  "Postcode": f"LS{1 + n % 29} {n % 10}{'ABDEFGHJ'[n % 8]}{'LNPQRSTU'[n % 8]}", "Town": place, "Gender (name)": "Mixed",
                  "GOR (name)": "Yorkshire and the Humber", "Country (name)": "United Kingdom", "Boarders (name)": "No boarders",
                  "SchoolWebsite": f"www.school{n}.example.org", "TelephoneNum": f"0113{n:07d}", "Easting": 430000 + n % 1000, "Northing": 433000 + n % 1000})
        w.writerow([r[h] for h in HEADER])
