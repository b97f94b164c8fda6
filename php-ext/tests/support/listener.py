#!/usr/bin/env python3
"""Test agent: accepts connections on a Unix socket or TCP port, decodes what the extension sends
(JSON lines, LZ4 frames and spans with an attached stack, docs/protocol.md) and, once stdin closes, prints one
JSON report: {"messages": [...], "invalid_lines": [...], "garbage_bytes": n, "lz4_frames": n, "json_lines": n,
 "attached_stacks": n, "connections": n, "bytes": n, "received_at": [t, ...], "frame_of": [i, ...], "frames": n}
(received_at: per message, the time.time() its frame's last byte arrived; frame_of: per message, which frame held it).
An attached stack is checked as the agent checks it (its declared length, one LZ4 block giving exactly that many
bytes, a JSON array) and put back as the `stack` field of the envelope's last message.
Usage: listener.py unix:/path/to.sock | tcp:127.0.0.1:0 [--tls CERT KEY [--client-ca CA]]
(prints "ready <address>" when listening; --client-ca: clients must present a certificate signed by CA)
With --tls, TCP connections are TLS (server certificate CERT, key KEY); the report then also has
"tls_handshakes" and "tls_errors" (handshakes the client refused or broke off).
"""
import json
import os
import selectors
import socket
import ssl
import sys
import time

import lz4.block
import lz4.frame
import struct

LZ4_MAGIC = b"\x04\x22\x4d\x18"
ATTACHED_MAGIC = b"OPAS"


def decode_attached(buf, i, report):
    """A span with an attached stack at buf[i:]; returns where the next frame starts (len(buf) on a fault)."""
    n = len(buf)
    if i + 12 > n:
        report["invalid_lines"].append("attached stack: truncated header")
        return n
    env_len, stack_len = struct.unpack("<II", buf[i + 4:i + 12])
    end = i + 12 + env_len + stack_len
    if end > n:
        report["invalid_lines"].append("attached stack: truncated frame (%d of %d bytes)" % (n - i, end - i))
        return n
    envelope = buf[i + 12:i + 12 + env_len]
    packed = buf[i + 12 + env_len:end]
    if envelope.startswith(LZ4_MAGIC):
        if not envelope[4] & 0x20:
            report["invalid_lines"].append("attached stack: envelope LZ4 frame with linked blocks")
            return n
        try:
            envelope = lz4.frame.decompress(envelope)
        except Exception as e:  # noqa: BLE001 - reported as a test failure
            report["invalid_lines"].append("attached stack: envelope: %s" % e)
            return n
        report["lz4_frames"] += 1
    declared = struct.unpack("<I", packed[:4])[0] if len(packed) >= 4 else -1
    try:
        stack = lz4.block.decompress(packed[4:], uncompressed_size=declared)
    except Exception as e:  # noqa: BLE001
        report["invalid_lines"].append("attached stack: %s" % e)
        return n
    if len(stack) != declared or not stack.startswith(b"[") or not stack.endswith(b"]"):
        report["invalid_lines"].append("attached stack: %d bytes, %d declared" % (len(stack), declared))
        return n
    before = len(report["messages"])
    for line in envelope.split(b"\n"):
        if line.strip():
            decode_line(line, report)
    if len(report["messages"]) == before or report["messages"][-1].get("type") != "span" \
            or "stack" in report["messages"][-1]:
        report["invalid_lines"].append("attached stack: the envelope does not end with a span without a stack")
        return n
    report["messages"][-1]["stack"] = json.loads(stack)
    report["attached_stacks"] += 1
    return end


def decode(buf, report, arrivals=()):
    """arrivals: (bytes received so far, time) per read of this connection; each message decoded gets the time the
    last byte of its frame arrived (report["received_at"]) and the number of its frame (report["frame_of"])."""
    i = 0
    n = len(buf)
    while i < n:
        start_messages = len(report["messages"])
        i = decode_one(buf, i, n, report)
        added = len(report["messages"]) - start_messages
        if added:
            end = min(i, n)
            t = next((at for total, at in arrivals if total >= end), arrivals[-1][1] if arrivals else 0.0)
            report["received_at"].extend([t] * added)
            report["frame_of"].extend([report["frames"]] * added)
            report["frames"] += 1


def decode_one(buf, i, n, report):
    """Decodes the frame at buf[i:] (or skips whitespace/garbage); returns where the next one starts."""
    c = buf[i:i + 1]
    if c in (b"\r", b"\n", b" ", b"\t"):
        return i + 1
    if c == b"{":
        end = buf.find(b"\n", i)
        end = n if end < 0 else end
        decode_line(buf[i:end], report)
        report["json_lines"] += 1
        return end + 1
    if buf[i:i + 4] == ATTACHED_MAGIC:
        return decode_attached(buf, i, report)
    if buf[i:i + 4] == LZ4_MAGIC:
        if i + 4 < n and not buf[i + 4] & 0x20:  # FLG bit 5: block independence
            # the extension sends independent blocks: the agent reads them with lz4-java (its fast path;
            # agents before commit 3850e94 read nothing else), linked blocks only through Commons Compress
            report["invalid_lines"].append("lz4: linked blocks (the extension must send independent blocks)")
            return n
        d = lz4.frame.LZ4FrameDecompressor()
        try:
            out = d.decompress(buf[i:])
        except Exception as e:  # noqa: BLE001 - a broken frame is a test failure, reported
            report["invalid_lines"].append("lz4: %s" % e)
            return n
        report["lz4_frames"] += 1
        if not d.eof:
            report["invalid_lines"].append("lz4: truncated frame")
            return n
        for line in out.split(b"\n"):
            if line.strip():
                decode_line(line, report)
        return n - len(d.unused_data or b"")
    end = buf.find(b"\n", i)
    end = n if end < 0 else end
    report["garbage_bytes"] += end - i
    return end + 1


def decode_line(line, report):
    try:
        report["messages"].append(json.loads(line.decode("utf-8")))
    except (UnicodeDecodeError, ValueError) as e:
        report["invalid_lines"].append("%s: %r" % (e, line[:200]))


def main():
    spec = sys.argv[1]
    tls = None
    if len(sys.argv) >= 5 and sys.argv[2] == "--tls":
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(sys.argv[3], sys.argv[4])
        if len(sys.argv) == 7 and sys.argv[5] == "--client-ca":
            tls.verify_mode = ssl.CERT_REQUIRED
            tls.load_verify_locations(sys.argv[6])
    if spec.startswith("unix:"):
        path = spec[5:]
        if os.path.exists(path):
            os.unlink(path)
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        srv.bind(path)
        address = path
    else:
        host, port = spec[4:].rsplit(":", 1)
        srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind((host, int(port)))
        address = "%s:%d" % srv.getsockname()
    srv.listen(64)
    srv.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(srv, selectors.EVENT_READ, "accept")
    sel.register(sys.stdin, selectors.EVENT_READ, "stdin")
    print("ready " + address, flush=True)

    conns = {}
    report = {"messages": [], "invalid_lines": [], "garbage_bytes": 0, "lz4_frames": 0, "json_lines": 0, "attached_stacks": 0,
              "connections": 0, "bytes": 0, "tls_handshakes": 0, "tls_errors": 0,
              "received_at": [], "frame_of": [], "frames": 0}
    arrivals = {}
    handshaking = set()
    stopping_at = None
    while True:
        timeout = None if stopping_at is None else max(0.0, stopping_at - time.monotonic())
        if stopping_at is not None and (not conns or timeout == 0):
            break
        for key, _ in sel.select(timeout):
            if key.data == "accept":
                c, _ = srv.accept()
                c.setblocking(False)
                if tls:
                    c = tls.wrap_socket(c, server_side=True, do_handshake_on_connect=False)
                    handshaking.add(c)
                conns[c] = bytearray()
                arrivals[c] = []
                report["connections"] += 1
                sel.register(c, selectors.EVENT_READ, "conn")
            elif key.data == "stdin":
                if not os.read(sys.stdin.fileno(), 4096):
                    sel.unregister(sys.stdin)
                    stopping_at = time.monotonic() + 2.0
            else:
                c = key.fileobj
                try:
                    if c in handshaking:
                        c.do_handshake()
                        handshaking.discard(c)
                        report["tls_handshakes"] += 1
                    data = c.recv(1 << 20)
                    while tls and data and c.pending():
                        data += c.recv(c.pending())
                except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                    continue
                except (ssl.SSLError, ConnectionError):
                    if c in handshaking:
                        report["tls_errors"] += 1
                        handshaking.discard(c)
                    data = b""
                if data:
                    conns[c] += data
                    arrivals[c].append((len(conns[c]), time.time()))
                    report["bytes"] += len(data)
                else:
                    sel.unregister(c)
                    decode(bytes(conns.pop(c)), report, arrivals.pop(c))
                    c.close()
    for c, buf in conns.items():
        decode(bytes(buf), report, arrivals[c])
    sys.stdout.write(json.dumps(report))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
