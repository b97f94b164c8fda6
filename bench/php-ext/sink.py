#!/usr/bin/env python3
"""Benchmark agent stand-in: accepts connections on a Unix socket and discards everything."""
import os
import selectors
import socket
import sys

path = sys.argv[1]
if os.path.exists(path):
    os.unlink(path)
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(64)
sel = selectors.DefaultSelector()
sel.register(srv, selectors.EVENT_READ)
print("ready", flush=True)
while True:
    for key, _ in sel.select():
        if key.fileobj is srv:
            c, _ = srv.accept()
            sel.register(c, selectors.EVENT_READ)
        elif not key.fileobj.recv(1 << 20):
            sel.unregister(key.fileobj)
            key.fileobj.close()
