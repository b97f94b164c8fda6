<?php
// auto_prepend_file of bench/wordpress/cgi.sh: at the start of the second request of a `php-cgi -T N`
// process, writes the process's CPU time so far (user + sys, µs, getrusage) to $OPA_BENCH_MARK. cgi.sh
// subtracts it from the process's total (wait4), which leaves requests 2..N: no process start-up and no
// first request (it compiles every script into this process's opcache: ≈ 10 steady requests' CPU).
// Runs in every mode alike (a getenv and a stat per request).
$opa_bench_mark = getenv('OPA_BENCH_MARK');
if ($opa_bench_mark !== false) {
    clearstatcache();
    if (!file_exists($opa_bench_mark)) {
        touch($opa_bench_mark);
    } elseif (filesize($opa_bench_mark) === 0) {
        $u = getrusage();
        file_put_contents($opa_bench_mark, ($u['ru_utime.tv_sec'] * 1000000 + $u['ru_utime.tv_usec']) . ' '
            . ($u['ru_stime.tv_sec'] * 1000000 + $u['ru_stime.tv_usec']));
    }
}
unset($opa_bench_mark);
