"""Checks the notes of one REDbot HAR report (used by .ci/redbot.sh).

usage: redbot-notes.py REPORT.har REQUIRED

REQUIRED is a comma-separated subset of `inm,ims`: the conditional requests REDbot must
have found supported (its notes INM_304 and IMS_304, i.e. the service answered 304).

Fails (exit 1) when:
- REDbot could not fetch the resource, or it did not answer 200 with an ETag;
- any note at level WARN or BAD is about validators or conditional requests: category
  VALIDATION, CACHING or CONNEG (a coding needs its own tag and Vary), a subject that is a
  validator or cache field, or an id from the ETag / Last-Modified / conditional families.
Every other note is printed, so a new kind of problem is visible in the CI log.
"""

import json
import sys

RELEVANT_CATEGORIES = {"VALIDATION", "CACHING", "CONNEG"}
RELEVANT_SUBJECTS = {
    "field-etag",
    "field-last-modified",
    "field-cache-control",
    "field-expires",
    "field-vary",
    "field-date",
    "field-content-location",
    "field-content-encoding",
}
RELEVANT_ID_PREFIXES = ("INM_", "IMS_", "ETAG_", "LM_", "MISSING_HDRS_304", "VARY_", "CONNEG_")
REQUIRED_NOTES = {"inm": "INM_304", "ims": "IMS_304"}


def walk(notes):
    for note in notes:
        yield note
        yield from walk(note.get("subnotes", []))


def relevant(note):
    return (
        note["category"] in RELEVANT_CATEGORIES
        or note["subject"] in RELEVANT_SUBJECTS
        or note["subject"].startswith("field-if-")
        or note["note_id"].startswith(RELEVANT_ID_PREFIXES)
    )


def main():
    path, required = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as f:
        har = json.load(f)["log"]
    if har.get("_red_error"):
        print(f"FAIL: REDbot could not check the resource: {har['_red_error']}")
        return 1
    if not har["entries"]:
        print("FAIL: REDbot's report has no response")
        return 1
    entry = har["entries"][0]
    response = entry["response"]
    headers = {h["name"].lower(): h["value"] for h in response["headers"]}
    problems = []
    if response["status"] != 200:
        problems.append(f"status {response['status']}, expected 200")
    if "etag" not in headers:
        problems.append("no ETag header")

    found = set()
    for note in walk(entry["_red_messages"]):
        found.add(note["note_id"])
        line = f"{note['level']:<5} {note['category']:<10} {note['note_id']}: {note['summary']}"
        if note["level"] in ("WARN", "BAD") and relevant(note):
            problems.append(line)
            print(f"  PROBLEM {line}")
        else:
            print(f"  {line}")
    for key in filter(None, required.split(",")):
        if REQUIRED_NOTES[key] not in found:
            problems.append(f"REDbot did not report {REQUIRED_NOTES[key]} (a 304 to its {key.upper()} request)")

    if problems:
        print(f"FAIL: {entry['request']['url']}:")
        for p in problems:
            print(f"  - {p}")
        return 1
    print(f"ok: {entry['request']['url']}: validators and conditional requests as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
