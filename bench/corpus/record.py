#!/usr/bin/python3
"""Recording receiver: listens on a Unix socket like the agent, splits each connection's byte stream into
the messages of the wire protocol (docs/protocol.md: JSON lines, LZ4 frames and spans with an attached stack,
which the extension sends by default; opa.attach_stack=0 records the inline form) and appends every message,
byte-exact as received, to a corpus file (format: bench/corpus/README.md).

Usage: record.py SOCKET CORPUS_FILE
Prints "ready" once listening; SIGTERM/SIGINT flush and close the file and print a summary. While running,
`kill -USR1` prints the count so far (the recorder flushes after every message, so the file is always whole).
"""
import os
import selectors
import signal
import socket
import struct
import sys

LZ4_MAGIC = b"\x04\x22\x4d\x18"
ATTACHED_MAGIC = b"OPAS"


def lz4_frame_length(buf):
    """Length of the LZ4 frame at the start of buf, or None while it is incomplete."""
    if len(buf) < 7:
        return None
    flg = buf[4]
    pos = 6 + (8 if flg & 0x08 else 0) + (4 if flg & 0x01 else 0) + 1  # magic FLG BD [size] [dict] HC
    block_checksum = 4 if flg & 0x10 else 0
    while True:
        if len(buf) < pos + 4:
            return None
        size = struct.unpack_from("<I", buf, pos)[0]
        pos += 4
        if size == 0:  # end mark
            pos += 4 if flg & 0x04 else 0  # content checksum
            return pos if len(buf) >= pos else None
        pos += (size & 0x7FFFFFFF) + block_checksum


def split_messages(buf):
    """Splits complete messages off the front of buf: returns (messages, rest)."""
    out = []
    start = 0
    while start < len(buf):
        if buf.startswith(ATTACHED_MAGIC, start):  # "OPAS", u32 LE envelope and stack lengths, both parts
            if len(buf) < start + 12:
                break
            envelope, stack = struct.unpack_from("<II", buf, start + 4)
            if len(buf) < start + 12 + envelope + stack:
                break
            out.append(bytes(buf[start:start + 12 + envelope + stack]))
            start += 12 + envelope + stack
        elif buf.startswith(LZ4_MAGIC, start):
            n = lz4_frame_length(memoryview(buf)[start:])
            if n is None:
                break
            out.append(bytes(buf[start:start + n]))
            start += n
        else:  # a JSON line (the extension sends nothing else); kept with its newline
            end = buf.find(b"\n", start)
            if end < 0:
                break
            if buf[start:end].strip():
                out.append(bytes(buf[start:end + 1]))
            start = end + 1
    return out, buf[start:]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    path, corpus = sys.argv[1], sys.argv[2]
    if os.path.exists(path):
        os.unlink(path)
    out = open(corpus, "ab")
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    os.chmod(path, 0o666)
    srv.listen(128)
    sel = selectors.DefaultSelector()
    sel.register(srv, selectors.EVENT_READ)
    pending = {}
    stats = {"messages": 0, "bytes": 0, "partial": 0}

    def report(*_):
        print(f"recorded {stats['messages']} messages, {stats['bytes']} bytes, "
              f"{stats['partial']} partial at close", flush=True)

    def stop(*_):
        out.flush()
        out.close()
        report()
        os.unlink(path)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGUSR1, report)
    print("ready", flush=True)
    while True:
        for key, _ in sel.select():
            if key.fileobj is srv:
                c, _ = srv.accept()
                sel.register(c, selectors.EVENT_READ)
                pending[c] = bytearray()
                continue
            c = key.fileobj
            data = c.recv(1 << 20)
            if not data:
                stats["partial"] += 1 if pending[c].strip() else 0
                sel.unregister(c)
                c.close()
                del pending[c]
                continue
            pending[c] += data
            messages, pending[c] = split_messages(pending[c])
            for m in messages:
                out.write(struct.pack(">I", len(m)))
                out.write(m)
                stats["messages"] += 1
                stats["bytes"] += len(m)
            if messages:
                out.flush()


if __name__ == "__main__":
    main()
