#!/usr/bin/env python3
"""Fixed-rate FastCGI load: sends RATE requests/s for SECONDS to php-fpm's Unix socket from THREADS threads
(each at RATE/THREADS, on its own schedule), one connection per request, as a web server does.
Prints "<requests answered> <failures>". Usage: fcgi_rate.py SOCKET SCRIPT RATE SECONDS [THREADS 4]"""
import socket
import struct
import sys
import threading
import time


def record(rtype, content):
    return struct.pack("!BBHHBx", 1, rtype, 1, len(content), 0) + content


def pair(k, v):
    def n(x):
        return bytes([x]) if x < 128 else struct.pack("!I", x | 0x80000000)
    return n(len(k)) + n(len(v)) + k + v


def request(sock_path, script, uri):
    params = {"GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET", "REQUEST_URI": uri, "SCRIPT_FILENAME": script,
              "SCRIPT_NAME": "/index.php", "DOCUMENT_URI": uri, "QUERY_STRING": "", "SERVER_PROTOCOL": "HTTP/1.1",
              "SERVER_NAME": "bench.test", "REMOTE_ADDR": "127.0.0.1", "CONTENT_LENGTH": "0"}
    body = b"".join(pair(k.encode(), v.encode()) for k, v in params.items())
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(sock_path)
    s.sendall(record(1, struct.pack("!HB5x", 1, 0)) + record(4, body) + record(4, b"") + record(5, b""))
    buf = b""
    while True:
        d = s.recv(65536)
        if not d:
            break
        buf += d
        if b"\x01\x03\x00\x01" in buf:  # FCGI_END_REQUEST
            break
    s.close()
    return b"\x01\x03\x00\x01" in buf


def main():
    sock_path, script, rate, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    threads = int(sys.argv[5]) if len(sys.argv) > 5 else 4
    counts = [0, 0]
    lock = threading.Lock()
    start = time.monotonic() + 0.05

    def run(k):
        interval = threads / rate
        t = start + k * interval / threads
        n = 0
        while t < start + seconds:
            delay = t - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            try:
                ok = request(sock_path, script, "/r%d-%d" % (k, n))
            except OSError:
                ok = False
            with lock:
                counts[0 if ok else 1] += 1
            n += 1
            t += interval

    ts = [threading.Thread(target=run, args=(k,)) for k in range(threads)]
    for th in ts:
        th.start()
    for th in ts:
        th.join()
    print(counts[0], counts[1])


if __name__ == "__main__":
    main()
