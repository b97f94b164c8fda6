--TEST--
Summary batching (built-in server): pcntl_fork with summaries pending sends none twice; an absent or stalled agent never holds a request beyond opa.send_budget_ms nor the process at exit; opa.summary_flush_ms=0 sends each request at once as before
--EXTENSIONS--
opa
--FILE--
<?php
require __DIR__ . '/support/harness.inc';
$app = <<<'PHP'
if ($_SERVER['REQUEST_URI'] === '/stats') { echo json_encode(opa_stats()); return; }
if ($_SERVER['REQUEST_URI'] === '/fork') {
    $pid = pcntl_fork();
    if ($pid === 0) { /* the child ends this request, then its server loop (SIGINT: orderly, MSHUTDOWN runs) */
        posix_kill(posix_getpid(), SIGINT);
        echo 'child';
        return;
    }
    pcntl_waitpid($pid, $status);
}
if ($_SERVER['REQUEST_URI'] === '/big') { error_log(str_repeat('y', 3000000)); }
echo 'ok';
PHP;

/* 1. fork in a request while unsampled summaries wait in the buffer */
$s = opa_server_start($app, ['opa.sampling_rate' => '0', 'opa.summary_flush_ms' => '60000']);
opa_http($s, 'GET', '/before1');
opa_http($s, 'GET', '/before2');
$f = opa_http($s, 'GET', '/fork');
opa_http($s, 'GET', '/after');
$r = opa_server_stop($s);
opa_check('fork: clean', !$r['report']['invalid_lines'] && $r['report']['garbage_bytes'] === 0 && !preg_match('/ERROR: AddressSanitizer|runtime error:/', $r['stderr']) && !opa_our_leaks($r['stderr']), [$r['report'], $r['stderr']]);
$names = array_count_values(array_column(opa_roots($r), 'name'));
ksort($names);
opa_check('fork: the summaries pending at the fork sent once (by the parent), the forked request by both', $names === ['GET /after' => 1, 'GET /before1' => 1, 'GET /before2' => 1, 'GET /fork' => 2], $names);
$forked = array_values(array_filter(opa_roots($r), fn($m) => isset($m['tags']['opa.forked'])));
opa_check('fork: the child sent its own span on its own connection', count($forked) === 1 && $r['report']['connections'] === 2, [count($forked), $r['report']['connections']]);

/* 2. agent absent, then stalled (accepts, never reads): requests and the process's exit stay within the budget */
$s = opa_server_start($app, ['opa.sampling_rate' => '0', 'opa.summary_flush_ms' => '50'], ['no_agent' => true]);
$t0 = microtime(true);
for ($i = 0; $i < 5; $i++) { opa_http($s, 'GET', "/absent$i"); usleep(30000); }
$stats = json_decode(opa_http($s, 'GET', '/stats')['body'], true);
$seconds = microtime(true) - $t0;
$t0 = microtime(true);
opa_server_stop($s);
opa_check('absent agent: requests unaffected, failures counted', $seconds < 3.0 && $stats['connect_failures'] >= 1 && $stats['messages_sent'] === 0
    && $stats['messages_dropped'] >= 1, [$seconds, $stats]);
opa_check('absent agent: exit not held', microtime(true) - $t0 < 3.0, microtime(true) - $t0);

$dir = sys_get_temp_dir() . '/opa-batch-stall-' . getmypid();
@mkdir($dir);
@unlink("$dir/stall.sock");
$stall = stream_socket_server("unix://$dir/stall.sock");
$s = opa_server_start($app, ['opa.socket_path' => "$dir/stall.sock", 'opa.sampling_rate' => '0', 'opa.summary_flush_ms' => '50',
    'opa.compress_threshold' => '-1', 'opa.send_budget_ms' => '20', 'opa.max_string_length' => '5000000'], ['no_agent' => true]);
$slowest = 0.0;
foreach (['/big', '/small1', '/big', '/small2', '/big', '/small3'] as $i => $path) {
    $t0 = microtime(true);
    $resp = opa_http($s, 'GET', $path);
    $slowest = max($slowest, microtime(true) - $t0);
    usleep(80000); /* the flusher thread sends (and stalls) in between */
}
$stats = json_decode(opa_http($s, 'GET', '/stats')['body'], true);
opa_http($s, 'GET', '/small4'); /* left in the buffer: sent (and timed out) at exit */
$t0 = microtime(true);
opa_server_stop($s);
$exitSeconds = microtime(true) - $t0;
fclose($stall);
@unlink("$dir/stall.sock");
@rmdir($dir);
opa_check('stalled agent: responses unchanged, no request held (20 ms budget, 3 MB lines)', $resp['body'] === 'ok' && $slowest < 2.0, $slowest);
opa_check('stalled agent: timeouts counted, lines dropped', $stats['send_timeouts'] >= 1 && $stats['messages_dropped'] >= 1, $stats);
opa_check('stalled agent: exit not held', $exitSeconds < 3.0, $exitSeconds);

/* 3. TLS: the flusher thread opens its own TLS session (from the process's SSL_CTX) and a sampled request's
 * write on the PHP thread's session carries what is pending: both arrive decrypted */
$tdir = sys_get_temp_dir() . '/opa-batch-tls-' . getmypid();
@mkdir($tdir);
opa_make_tls_certs($tdir);
$l = opa_listen('tcp', $tdir, ["$tdir/server.pem", "$tdir/server.key"]);
$s = opa_server_start($app, ['opa.socket_path' => $l[2], 'opa.tls' => '1', 'opa.tls_ca_file' => "$tdir/ca.pem",
    'opa.tls_server_name' => 'localhost', 'opa.send_budget_ms' => '3000', 'opa.sampling_rate' => '0', 'opa.summary_flush_ms' => '100'],
    ['no_agent' => true]);
opa_http($s, 'GET', '/t1');
opa_http($s, 'GET', '/t2');
usleep(600000); /* the thread sends t1, t2 */
opa_http($s, 'GET', '/t3', ['traceparent' => '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00']);
opa_http($s, 'GET', '/t4', ['traceparent' => '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01']); /* sampled: takes t3 along */
$stats = json_decode(opa_http($s, 'GET', '/stats')['body'], true);
opa_server_stop($s);
$rep = opa_collect($l);
foreach (glob("$tdir/*") as $f) { @unlink($f); }
@rmdir($tdir);
$names = array_column(array_values(array_filter($rep['messages'], fn($m) => $m['type'] === 'span')), 'name');
sort($names);
opa_check('tls: every summary arrived decrypted, once', $names === ['GET /stats', 'GET /t1', 'GET /t2', 'GET /t3', 'GET /t4']
    && $rep['garbage_bytes'] === 0 && !$rep['invalid_lines'] && $rep['tls_errors'] === 0, [$names, $rep['invalid_lines']]);
opa_check('tls: two connections, two handshakes (PHP thread, flusher thread)', $rep['connections'] === 2 && $rep['tls_handshakes'] === 2
    && $stats['tls_handshakes'] === 2 && $stats['batch_sends_due'] >= 1 && $stats['batch_sends_piggyback'] === 1, [$rep['connections'], $stats]);

/* 4. opa.summary_flush_ms=0: each request's summary in its own write, at once */
$s = opa_server_start($app, ['opa.sampling_rate' => '0', 'opa.summary_flush_ms' => '0', 'opa.compress_threshold' => '0']);
$ended = [];
for ($i = 0; $i < 4; $i++) {
    opa_http($s, 'GET', "/now$i");
    $ended["GET /now$i"] = microtime(true);
    usleep(200000);
}
$stats = json_decode(opa_http($s, 'GET', '/stats')['body'], true);
$r = opa_server_stop($s);
$late = $frames = [];
foreach ($r['messages'] as $k => $m) {
    if (isset($ended[$m['name'] ?? ''])) {
        $frames[$r['report']['frame_of'][$k]] = true;
        if ($r['report']['received_at'][$k] - $ended[$m['name']] > 0.15) { $late[$m['name']] = $r['report']['received_at'][$k] - $ended[$m['name']]; }
    }
}
opa_check('flush_ms=0: one write per request, each sent before the response ended', count($frames) === 4 && $late === [], [$frames, $late]);
opa_check('flush_ms=0: nothing buffered', $stats['batch_messages'] === 0 && $stats['messages_sent'] === 4, $stats);
?>
--EXPECT--
fork: clean: ok
fork: the summaries pending at the fork sent once (by the parent), the forked request by both: ok
fork: the child sent its own span on its own connection: ok
absent agent: requests unaffected, failures counted: ok
absent agent: exit not held: ok
stalled agent: responses unchanged, no request held (20 ms budget, 3 MB lines): ok
stalled agent: timeouts counted, lines dropped: ok
stalled agent: exit not held: ok
tls: every summary arrived decrypted, once: ok
tls: two connections, two handshakes (PHP thread, flusher thread): ok
flush_ms=0: one write per request, each sent before the response ended: ok
flush_ms=0: nothing buffered: ok
