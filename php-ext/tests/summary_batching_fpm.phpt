--TEST--
php-fpm: unsampled requests' summaries grouped per worker (opa.summary_flush_ms): an idle worker's arrive within flush_ms by the flusher thread, each once, several per write; a sampled request carries the pending ones in its own write; what is left goes at worker exit
--EXTENSIONS--
opa
--SKIPIF--
<?php require_once __DIR__ . '/support/harness.inc'; require_once __DIR__ . '/support/fastcgi.inc'; if (!opa_fpm_binary()) die('skip php-fpm not installed'); ?>
--FILE--
<?php
require_once __DIR__ . '/support/harness.inc';
require_once __DIR__ . '/support/fastcgi.inc';
$app = <<<'PHP'
if ($_SERVER['REQUEST_URI'] === '/stats') { echo json_encode(opa_stats()); return; }
if (isset($_GET['log'])) { error_log('app.WARNING: slow cache ' . $_GET['log']); }
echo 'ok';
PHP;
/* every write one LZ4 frame (compress_threshold 0), so frames show how requests were grouped */
$ini = ['opa.compress_threshold' => '0', 'opcache.jit' => 'disable', 'opcache.jit_buffer_size' => '0'];

/* 1. unsampled requests, then the worker goes idle */
$flush = 0.4;
$fpm = opa_fpm_start($app, $ini + ['opa.sampling_rate' => '0', 'opa.summary_flush_ms' => (string) ($flush * 1000)]);
$ended = [];
for ($i = 0; $i < 8; $i++) {
    $b = opa_fcgi($fpm, 'GET', "/u$i" . ($i === 3 ? '?log=3' : ''))['body'];
    $ended["GET /u$i"] = microtime(true);
}
$stats = json_decode(opa_fcgi($fpm, 'GET', '/stats')['body'], true);
usleep(1500000); /* idle: longer than flush_ms, shorter than forever */
$stopped = microtime(true);
$r = opa_fpm_stop($fpm);
opa_check('clean', $b === 'ok' && !$r['report']['invalid_lines'] && $r['report']['garbage_bytes'] === 0 && !preg_match('/ERROR: AddressSanitizer|runtime error:/', $r['log']) && !opa_our_leaks($r['log']), [$r['report']['invalid_lines'], $r['log']]);
$late = $seen = $frames = [];
foreach ($r['messages'] as $k => $m) {
    if (($m['type'] ?? 'span') === 'span' && isset($ended[$m['name']])) {
        $seen[$m['name']] = ($seen[$m['name']] ?? 0) + 1;
        $frames[$r['report']['frame_of'][$k]] = true;
        $at = $r['report']['received_at'][$k];
        if ($at - $ended[$m['name']] > $flush + 1.0 || $at >= $stopped) {
            $late[$m['name']] = round($at - $ended[$m['name']], 3);
        }
    }
}
opa_check('every summary arrived once', count($seen) === 8 && array_values(array_unique($seen)) === [1], $seen);
opa_check('each within flush_ms (+ slack), while the worker was idle, not at its exit', $late === [], $late);
opa_check('several summaries per write', count($frames) <= 4, count($frames));
$logs = opa_of_type($r, 'log');
opa_check('the unsampled request\'s log line went with it', count($logs) === 1 && str_contains($logs[0]['message'], 'slow cache 3'), $logs);
opa_check('counted: lines through the buffer, none sent by a request', $stats['batch_messages'] === 9 && $stats['batch_sends_piggyback'] === 0
    && $stats['batch_sends_full'] === 0 && $stats['messages_dropped'] === 0, $stats);

/* 2. unsampled and sampled alternating (incoming traceparent decides), flush_ms long: only piggy-back and exit
 * (pm.max_requests: the worker ends after the 7th request, as php-fpm recycles workers; a worker killed by
 * SIGTERM, php-fpm's fast shutdown, runs no MSHUTDOWN and takes what it holds with it) */
$fpm = opa_fpm_start($app, $ini + ['opa.summary_flush_ms' => '60000'], ['pm.max_requests' => '7']);
$tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-';
$flags = ['00', '01', '00', '00', '01', '00'];
foreach ($flags as $i => $f) {
    opa_fcgi($fpm, 'GET', "/a$i", ['traceparent' => $tp . $f]);
}
$stats = json_decode(opa_fcgi($fpm, 'GET', '/stats', ['traceparent' => $tp . '00'])['body'], true);
opa_fcgi($fpm, 'GET', '/next-worker', ['traceparent' => $tp . '01']); /* served by the next worker, sent at once */
$r = opa_fpm_stop($fpm);
opa_check('alternating: clean', !$r['report']['invalid_lines'] && $r['report']['garbage_bytes'] === 0 && !preg_match('/ERROR: AddressSanitizer|runtime error:/', $r['log']) && !opa_our_leaks($r['log']), [$r['report']['invalid_lines'], $r['log']]);
$roots = opa_roots($r);
$names = array_column($roots, 'name');
opa_check('alternating: every request once, in order', $names === ['GET /a0', 'GET /a1', 'GET /a2', 'GET /a3', 'GET /a4', 'GET /a5', 'GET /stats', 'GET /next-worker'], $names);
$frameOf = [];
foreach ($r['messages'] as $k => $m) {
    if (isset($m['tags']['sample_rate'])) { $frameOf[$m['name']] = $r['report']['frame_of'][$k]; }
}
opa_check('alternating: a sampled request carries the pending summaries in its write, its call stack attached',
    $frameOf['GET /a0'] === $frameOf['GET /a1'] && $frameOf['GET /a2'] === $frameOf['GET /a4'] && $frameOf['GET /a3'] === $frameOf['GET /a4']
    && $frameOf['GET /a1'] !== $frameOf['GET /a4'] && isset($roots[1]['stack'], $roots[4]['stack']) && !isset($roots[0]['stack'])
    && $r['report']['attached_stacks'] === 3, [$frameOf, $r['report']['attached_stacks']]);
opa_check('alternating: the summaries after the last sampled request went at worker exit', $frameOf['GET /a5'] === $frameOf['GET /stats'] && $frameOf['GET /a5'] !== $frameOf['GET /a4'], $frameOf);
opa_check('alternating: sampled and unsampled data unchanged', $roots[0]['tags']['sampled'] === 'false' && $roots[1]['tags']['sampled'] === 'true'
    && $roots[0]['trace_id'] === '0af7651916cd43dd8448eb211c80319c', array_column($roots, 'tags'));
opa_check('alternating: counted', $stats['batch_sends_piggyback'] === 2 && $stats['batch_messages'] === 4 && $stats['batch_sends_due'] === 0
    && $stats['messages_sent'] === 5, $stats);
?>
--EXPECT--
clean: ok
every summary arrived once: ok
each within flush_ms (+ slack), while the worker was idle, not at its exit: ok
several summaries per write: ok
the unsampled request's log line went with it: ok
counted: lines through the buffer, none sent by a request: ok
alternating: clean: ok
alternating: every request once, in order: ok
alternating: a sampled request carries the pending summaries in its write, its call stack attached: ok
alternating: the summaries after the last sampled request went at worker exit: ok
alternating: sampled and unsampled data unchanged: ok
alternating: counted: ok
