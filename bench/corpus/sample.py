#!/usr/bin/python3
"""Writes a small corpus with one record per page kind of a larger one: the first record of each distinct
root span name + HTTP status (digits in the route collapsed, so /benchmark-post-7/ and /benchmark-post-9/ are
one kind), in corpus order, at most --max records. Used for the test fixture in src/test/resources/corpus/.

Usage: sample.py [--max 6] IN.opa OUT.opa
"""
import argparse
import json
import re
import struct

import lz4.frame

from inspect_corpus import messages, records


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--max", type=int, default=6)
    ap.add_argument("src")
    ap.add_argument("dst")
    args = ap.parse_args()
    seen = set()
    with open(args.dst, "wb") as out:
        for rec in records(args.src):
            root = messages(rec)[0][0]
            status = (root.get("tags") or {}).get("http_response", {}).get("status_code")
            kind = (re.sub(r"\d+", "N", root.get("name", "")), status)
            if kind in seen:
                continue
            seen.add(kind)
            out.write(struct.pack(">I", len(rec)) + rec)
            print(f"{args.dst}: {kind[0]} {kind[1]}, {len(rec):,} bytes")
            if len(seen) == args.max:
                break


if __name__ == "__main__":
    main()
