#!/usr/bin/env python3
"""The baseline for `memaudit randomize` on JSON Lines: what a user would write in plain Python.

Each line is parsed with `json`, the text field's `___` markers are replaced by `re.sub` with a random 6-character tag
drawn from a per-record seeded generator, the marker count is added, and the record is written back with `json.dumps`.
Standard library only.

    python3 memaudit-benchmarks/python/randomize_baseline.py IN.jsonl OUT.jsonl [--field prompt] [--seed 7]
"""
import argparse
import json
import random
import re
import string
import sys

MARKER = re.compile(r"_{3,}")
ALPHABET = string.ascii_uppercase + string.digits


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--field", default="prompt")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    records = 0
    with open(args.input, encoding="utf-8") as src, open(args.output, "w", encoding="utf-8") as dst:
        for number, line in enumerate(src, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                sys.exit(f"line {number}: invalid JSON ({error.msg})")
            text = record.get(args.field)
            count = 0
            if isinstance(text, str):
                rng = random.Random(f"{args.seed}:{text}")

                def tag(_match):
                    return "".join(rng.choice(ALPHABET) for _ in range(6))

                record[args.field], count = MARKER.subn(tag, text)
            record["deid_marker_count"] = count
            dst.write(json.dumps(record, ensure_ascii=False))
            dst.write("\n")
            records += 1
    print(f"{records} records", file=sys.stderr)


if __name__ == "__main__":
    main()
