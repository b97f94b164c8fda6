"""A ClickHouse HTTP interface in front of chDB, so the agent's real client (client-v2 over HTTP, with
its LZ4 request compression) can be tested against the real ClickHouse engine without a server binary.

It serves what the writer and clickhouse-jdbc use: GET /ping, POST statements (DDL, SELECT in the
requested output format) and POST inserts with data (`query` in the URL, rows in the body),
ClickHouse-native LZ4 bodies both ways (`decompress=1`, `compress=1`, with CityHash128 checksums), query
settings from URL parameters, basic / X-ClickHouse-User auth, and ClickHouse-style errors (HTTP 500
with X-ClickHouse-Exception-Code). One chDB engine per process: requests run one at a time under a lock.
"""
import base64
import json
import re
import socket
import struct
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import lz4.block
from clickhouse_cityhash.cityhash import CityHash128

# URL parameters passed to the engine as query settings (the rest are protocol parameters).
SETTINGS = {"insert_deduplication_token", "insert_deduplicate", "async_insert", "wait_for_async_insert",
            "async_insert_deduplicate", "max_execution_time", "date_time_input_format",
            "deduplicate_blocks_in_dependent_materialized_views", "input_format_json_read_objects_as_strings",
            "input_format_json_read_arrays_as_strings"}
CODE = re.compile(r"Code: (\d+)\.")
INSERT = re.compile(r"^\s*(INSERT\s+INTO\s+\S+(?:\s*\([^)]*\))?)\s+(FORMAT\s+\w+)\s*$", re.I | re.S)


def decompress_native(data: bytes) -> bytes:
    """ClickHouse native compression: blocks of checksum(16) | method(1) | size+9(4) | raw size(4) | data."""
    out, i = [], 0
    while i < len(data):
        method = data[i + 16]
        compressed, raw = struct.unpack_from("<II", data, i + 17)
        payload = data[i + 25:i + 16 + compressed]
        if method == 0x82:
            out.append(lz4.block.decompress(payload, uncompressed_size=raw))
        elif method == 0x02:
            out.append(payload)
        else:
            raise ValueError(f"unsupported compression method 0x{method:02x}")
        i += 16 + compressed
    return b"".join(out)


def compress_native(data: bytes, block: int = 1 << 20) -> bytes:
    """The inverse of decompress_native, with the CityHash128 checksum clients verify."""
    out = []
    for i in range(0, len(data), block):
        raw = data[i:i + block]
        packed = lz4.block.compress(raw, store_size=False)
        frame = struct.pack("<BII", 0x82, len(packed) + 9, len(raw)) + packed
        h = CityHash128(frame)  # (first 64-bit word << 64) | second; each word goes little-endian
        out.append((h >> 64).to_bytes(8, "little") + (h & (1 << 64) - 1).to_bytes(8, "little") + frame)
    return b"".join(out)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A client closing its pooled connection mid-reply is normal; anything else is reported."""
        import sys
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


class ChdbHttpServer:
    def __init__(self, session, user: str = "default", password: str = "", port: int = 0):
        self.session, self.user, self.password = session, user, password
        self.lock = threading.Lock()
        self.requests = []  # (method, params, body size) for assertions on how the client talks
        self.connections = set()  # open client connections: closed on exit, like a server going away
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as the client's connection pool expects

            def setup(self):
                super().setup()
                server.connections.add(self.connection)

            def finish(self):
                server.connections.discard(self.connection)
                super().finish()

            def log_message(self, *args):
                pass

            def do_GET(self):
                if urlparse(self.path).path == "/ping":
                    self._reply(200, b"Ok.\n")
                else:
                    self._handle(b"")

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else self._chunked()
                self._handle(body)

            def _chunked(self):
                if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
                    return b""
                parts = []
                while True:
                    size = int(self.rfile.readline().strip().split(b";")[0], 16)
                    if size == 0:
                        self.rfile.readline()
                        return b"".join(parts)
                    parts.append(self.rfile.read(size))
                    self.rfile.readline()

            def _handle(self, body):
                params = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
                # client-v2 sends these as headers, other clients as URL parameters
                for header, param in (("X-ClickHouse-Database", "database"), ("X-ClickHouse-Format", "default_format")):
                    if self.headers.get(header):
                        params.setdefault(param, self.headers[header])
                server.requests.append(("POST" if body else "GET", params, len(body)))
                try:
                    self._authenticate(params)
                    if params.get("decompress") == "1" and body:
                        body = decompress_native(body)
                    result, written = server.execute(params, body)
                    summary = json.dumps({"read_rows": "0", "read_bytes": "0", "written_rows": str(written),
                                          "written_bytes": str(len(body)), "total_rows_to_read": "0",
                                          "result_rows": "0", "result_bytes": "0", "elapsed_ns": "1"})
                    if params.get("compress") == "1" and result:
                        result = compress_native(result)
                    self._reply(200, result, {"X-ClickHouse-Summary": summary,
                                              "X-ClickHouse-Format": params.get("default_format", "TabSeparated")})
                except PermissionError as e:
                    self._error(516, f"Code: 516. DB::Exception: {e}. (AUTHENTICATION_FAILED)")
                except Exception as e:  # the engine's own error text, as a server sends it
                    text = str(e)
                    m = CODE.search(text)
                    self._error(int(m.group(1)) if m else 1000, text)

            def _authenticate(self, params):
                user = self.headers.get("X-ClickHouse-User") or params.get("user")
                key = self.headers.get("X-ClickHouse-Key") or params.get("password")
                auth = self.headers.get("Authorization", "")
                if auth.startswith("Basic "):
                    user, _, key = base64.b64decode(auth[6:]).decode().partition(":")
                if (user or "default") != server.user or (key or "") != server.password:
                    raise PermissionError(f"{user}: Authentication failed: password is incorrect")

            def _error(self, code, text):
                self._reply(500, (text + "\n").encode(), {"X-ClickHouse-Exception-Code": str(code)})

            def _reply(self, status, payload, headers=None):
                self.send_response(status)
                self.send_header("Content-Type", "text/plain; charset=UTF-8")
                self.send_header("X-ClickHouse-Server-Display-Name", "chdb-http")
                self.send_header("X-ClickHouse-Query-Id", str(uuid.uuid4()))
                self.send_header("X-ClickHouse-Timezone", "UTC")
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.httpd = _QuietServer(("127.0.0.1", port), Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def execute(self, params, body: bytes):
        query = params.get("query")
        data = b""
        if query is None:
            query, body = body.decode("utf-8"), b""
        else:
            data = body
        settings = {k: v for k, v in params.items() if k in SETTINGS}
        fmt = params.get("default_format", "TabSeparated")
        with self.lock:
            if params.get("database"):
                self.session.query(f"USE {params['database']}")
            m = INSERT.match(query)
            if m:
                clause = ""
                if settings:
                    clause = " SETTINGS " + ", ".join(f"{k} = '{v}'" for k, v in settings.items())
                self.session.query(f"{m.group(1)}{clause} {m.group(2)}\n" + data.decode("utf-8"))
                return b"", data.count(b"\n")
            result = self.session.query(query, fmt)
            return result.bytes() if result is not None else b"", 0

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        for conn in list(self.connections):
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
