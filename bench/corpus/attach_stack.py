#!/usr/bin/python3
"""Rewrites corpus files (format: bench/corpus/README.md) into the form the extension sends by default now: each
message whose span carries an inline call stack becomes a span with an attached stack (docs/protocol.md):

    "OPAS" | u32 LE envelope length | u32 LE stack length | envelope | stack

envelope = the message's JSON lines with the span's `stack` field removed (that span last), as an LZ4 frame of
independent blocks when it is 4 KB or more (the extension's opa.compress_threshold), else as JSON text;
stack = u32 LE length of the stack's JSON text + one LZ4 block of it (the agent's stored form).
Messages without a stack are copied unchanged. The JSON is re-serialised compactly (same content).

Usage: attach_stack.py IN.opa OUT.opa [IN.opa OUT.opa ...]
"""
import json
import struct
import sys

import lz4.block
import lz4.frame

from inspect_corpus import messages, records

COMPRESS_THRESHOLD = 4096


def attached(record):
    """The record in the attached-stack form, or None when none of its spans has an inline stack."""
    lines, _ = messages(record)
    owners = [i for i, m in enumerate(lines) if isinstance(m.get("stack"), list) and m.get("type", "span") == "span"]
    if len(owners) != 1:
        return None
    owner = lines.pop(owners[0])
    stack = json.dumps(owner.pop("stack"), separators=(",", ":"), ensure_ascii=False).encode()
    lines.append(owner)
    envelope = b"".join(json.dumps(m, separators=(",", ":"), ensure_ascii=False).encode() + b"\n" for m in lines)
    if len(envelope) >= COMPRESS_THRESHOLD:
        envelope = lz4.frame.compress(envelope, block_linked=False, store_size=True, content_checksum=False)
    packed = lz4.block.compress(stack, mode="default", store_size=True)
    return b"OPAS" + struct.pack("<II", len(envelope), len(packed)) + envelope + packed


def main(args):
    if not args or len(args) % 2:
        sys.exit(__doc__)
    for src, dst in zip(args[::2], args[1::2]):
        converted = kept = before = after = 0
        with open(dst, "wb") as out:
            for record in records(src):
                new = attached(record)
                if new is None:
                    new = record
                    kept += 1
                else:
                    converted += 1
                before += len(record)
                after += len(new)
                out.write(struct.pack(">I", len(new)) + new)
        print(f"{src} -> {dst}: {converted} messages with an attached stack, {kept} unchanged; "
              f"{before / 1e6:.1f} MB -> {after / 1e6:.1f} MB as sent")


if __name__ == "__main__":
    main(sys.argv[1:])
