<?php
/* Sequential FastCGI client: sends $n requests for $script to php-fpm listening on $dir/fpm.sock;
 * prints the mean microseconds per request. Reuses the test suite's FastCGI client. */
require __DIR__ . '/../../php-ext/tests/support/fastcgi.inc';
[$_, $dir, $script, $n] = $argv;
$fpm = ['dir' => $dir, 'script' => $script];
$t = hrtime(true);
for ($i = 0; $i < (int) $n; $i++) {
    $r = opa_fcgi($fpm, 'GET', '/items?page=' . $i);
    if ($r['status'] !== 200 || $r['body'] === '') {
        fwrite(STDERR, "bad response: " . json_encode($r) . "\n");
        exit(1);
    }
}
printf("%.1f\n", (hrtime(true) - $t) / 1000 / (int) $n);
