#!/usr/bin/python3
"""Summarises corpus files (format: bench/corpus/README.md): messages, traces, spans by kind, call nodes per
span and sizes (JSON as decompressed, and as sent: LZ4 frame or JSON line).

Usage: inspect_corpus.py [--expect N] FILE...
       inspect_corpus.py --count FILE      prints the number of records only (cheap: nothing is decompressed)
  --expect N   exit 1 unless each file holds exactly N distinct trace ids, each with one root span
"""
import argparse
import json
import statistics
import struct
import sys

import lz4.block
import lz4.frame

LZ4_MAGIC = b"\x04\x22\x4d\x18"
ATTACHED_MAGIC = b"OPAS"


def records(path, skip_body=False):
    """Yields each record's bytes: the message exactly as the extension sent it (None with skip_body)."""
    with open(path, "rb") as f:
        while True:
            head = f.read(4)
            if not head:
                return
            if len(head) < 4:
                raise ValueError(f"{path}: truncated record header")
            n = struct.unpack(">I", head)[0]
            if skip_body:
                f.seek(n, 1)
                yield None
                continue
            body = f.read(n)
            if len(body) < n:
                raise ValueError(f"{path}: truncated record ({len(body)} of {n} bytes)")
            yield body


def messages(record):
    """The JSON objects of one record, and the bytes of JSON they were sent as (decompressed). A span with an
    attached stack (docs/protocol.md) gets its stack back as the `stack` field of the envelope's last line."""
    stack = None
    if record.startswith(ATTACHED_MAGIC):
        envelope_len, stack_len = struct.unpack("<II", record[4:12])
        record, packed = record[12:12 + envelope_len], record[12 + envelope_len:12 + envelope_len + stack_len]
        stack = lz4.block.decompress(packed)
    text = lz4.frame.decompress(record) if record.startswith(LZ4_MAGIC) else record
    objs = [json.loads(line) for line in text.splitlines() if line.strip()]
    if stack is not None:
        objs[-1]["stack"] = json.loads(stack)
    return objs, len(text) + (len(stack) if stack is not None else 0)


def spread(values, unit=""):
    if not values:
        return "-"
    values = sorted(values)
    return (f"median {statistics.median(values):,.0f}{unit}, min {values[0]:,.0f}{unit}, "
            f"max {values[-1]:,.0f}{unit}")


def inspect(path):
    traces, roots, kinds = set(), 0, {}
    nodes, json_sizes, sent_sizes, frames = [], [], [], 0
    for rec in records(path):
        objs, json_len = messages(rec)
        json_sizes.append(json_len)
        sent_sizes.append(len(rec))
        frames += rec.startswith(LZ4_MAGIC) or rec.startswith(ATTACHED_MAGIC)
        for m in objs:
            kind = m.get("type", "span")
            kinds[kind] = kinds.get(kind, 0) + 1
            traces.add(m.get("trace_id"))
            if kind == "span":
                roots += not m.get("parent_id")
                nodes.append(len(m.get("stack") or []))
    print(f"{path}: {len(sent_sizes)} messages ({frames} LZ4 frames or attached stacks), {len(traces)} traces, {roots} root spans, "
          f"{', '.join(f'{v} {k}' for k, v in sorted(kinds.items()))}; {sum(sent_sizes):,} bytes as sent, "
          f"{sum(json_sizes):,} bytes of JSON")
    print(f"  call nodes per span: {spread(nodes)}")
    print(f"  JSON per message:    {spread([s / 1024 for s in json_sizes], ' KB')}")
    print(f"  as sent per message: {spread([s / 1024 for s in sent_sizes], ' KB')}")
    return len(traces), roots


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--expect", type=int)
    ap.add_argument("--count", action="store_true")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    if args.count:
        print(sum(1 for path in args.files for _ in records(path, skip_body=True)))
        return
    ok = True
    for path in args.files:
        traces, roots = inspect(path)
        if args.expect is not None and not (traces == roots == args.expect):
            print(f"  FAIL: expected {args.expect} traces with one root span each", file=sys.stderr)
            ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
