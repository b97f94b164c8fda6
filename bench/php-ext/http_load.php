<?php
/* Sequential HTTP/1.0 client: GET http://127.0.0.1:$port/ $n times; prints mean microseconds per request. */
[$_, $port, $n] = $argv;
$t = hrtime(true);
for ($i = 0; $i < (int) $n; $i++) {
    $c = fsockopen('127.0.0.1', (int) $port);
    fwrite($c, "GET / HTTP/1.0\r\nHost: x\r\n\r\n");
    $r = stream_get_contents($c);
    fclose($c);
    if (!str_ends_with($r, "\r\n\r\n" . substr($r, strpos($r, "\r\n\r\n") + 4)) || !str_contains($r, '200 OK')) {
        fwrite(STDERR, "bad response\n");
        exit(1);
    }
}
printf("%.1f\n", (hrtime(true) - $t) / 1000 / (int) $n);
