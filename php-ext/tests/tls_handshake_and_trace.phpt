--TEST--
TLS to the agent over TCP (opa.tls=1): the handshake succeeds, traces arrive decrypted, one handshake serves many requests, a forked child opens its own connection; a Unix socket stays plain
--EXTENSIONS--
opa
--FILE--
<?php
require __DIR__ . '/support/harness.inc';
$dir = sys_get_temp_dir() . '/opa-tls-ok-' . getmypid();
@mkdir($dir);
opa_make_tls_certs($dir);
$tls = ["$dir/server.pem", "$dir/server.key"];
/* budgets of 3 s: a first handshake (CA file, key exchange, a Python peer) must not race the default 5 ms
 * under ASan on a busy machine; the stalled-handshake test covers the budget */

/* CLI, no opa.tls_server_name: the certificate must name the address's IP (127.0.0.1) */
$l = opa_listen('tcp', $dir, $tls);
$r = opa_run('function f() { usleep(300); return 7; } echo f(), "\n";',
    ['opa.socket_path' => $l[2], 'opa.tls' => '1', 'opa.tls_ca_file' => "$dir/ca.pem", 'opa.send_budget_ms' => '3000'],
    [], ['no_agent' => true]);
$rep = opa_collect($l);
opa_check('cli: output unchanged', $r['stdout'] === "7\n" && $r['exit'] === 0 && $r['stderr'] === '', $r);
opa_check('cli: one TLS handshake, the span arrives decrypted', $rep['tls_handshakes'] === 1 && $rep['tls_errors'] === 0
    && count($rep['messages']) === 1 && $rep['messages'][0]['type'] === 'span' && $rep['garbage_bytes'] === 0 && !$rep['invalid_lines'], $rep);

/* web server, opa.tls_server_name=localhost: requests share one connection and one handshake;
 * a payload over opa.compress_threshold goes as an LZ4 frame inside TLS records */
$router = <<<'PHP'
if ($_SERVER['REQUEST_URI'] === '/stats') { echo json_encode(opa_stats()); return; }
if ($_SERVER['REQUEST_URI'] === '/big') { opa_dump(bin2hex(random_bytes(150000))); }
usleep(200); echo "fine";
PHP;
$l = opa_listen('tcp', $dir, $tls);
$s = opa_server_start($router, ['opa.socket_path' => $l[2], 'opa.tls' => '1', 'opa.tls_ca_file' => "$dir/ca.pem",
    'opa.tls_server_name' => 'localhost', 'opa.max_string_length' => '400000', 'opa.send_budget_ms' => '3000'], ['no_agent' => true]);
$a = opa_http($s, 'GET', '/one');
$big = opa_http($s, 'GET', '/big');
$b = opa_http($s, 'GET', '/two');
$stats = json_decode(opa_http($s, 'GET', '/stats')['body'], true);
opa_server_stop($s);
$rep = opa_collect($l);
$names = array_column(array_values(array_filter($rep['messages'], fn($m) => $m['type'] === 'span')), 'name');
opa_check('web: responses unchanged', $a['body'] === 'fine' && $big['body'] === 'fine' && $b['body'] === 'fine', [$a, $big, $b]);
opa_check('web: every trace arrived decrypted, in order', $names === ['GET /one', 'GET /big', 'GET /two', 'GET /stats']
    && $rep['garbage_bytes'] === 0 && !$rep['invalid_lines'], [$names, $rep['invalid_lines'], $rep['garbage_bytes']]);
opa_check('web: the large payload came as an LZ4 frame through TLS', $rep['lz4_frames'] >= 1, $rep['lz4_frames']);
opa_check('web: one connection, one handshake for all requests', $rep['connections'] === 1 && $rep['tls_handshakes'] === 1
    && $stats['connects'] === 1 && $stats['tls_handshakes'] === 1 && $stats['tls_handshake_failures'] === 0
    && $stats['messages_dropped'] === 0, [$stats, $rep['connections']]);

/* pcntl_fork() in a web request: the child (which goes on serving, as PHP's built-in server does) opens its own
 * TLS connection; the parent keeps its session (a reused SSL state would break the records: bad MAC, garbage) */
$router = <<<'PHP'
function in_child() { usleep(300); }
if ($_SERVER['REQUEST_URI'] === '/stop') { posix_kill(getmypid(), SIGKILL); }
if ($_SERVER['REQUEST_URI'] === '/stats') { echo getmypid(), ' ', json_encode(opa_stats()); return; }
if ($_SERVER['REQUEST_URI'] === '/fork') {
    $pid = pcntl_fork();
    if ($pid === 0) { in_child(); echo 'child'; return; }
    pcntl_waitpid($pid, $status);
}
echo getmypid();
PHP;
$l = opa_listen('tcp', $dir, $tls);
$s = opa_server_start($router, ['opa.socket_path' => $l[2], 'opa.tls' => '1', 'opa.tls_ca_file' => "$dir/ca.pem",
    'opa.send_budget_ms' => '3000'], ['no_agent' => true]);
$parentPid = opa_http($s, 'GET', '/one')['body'];
$fork = opa_http($s, 'GET', '/fork')['body'];            /* served by the child; the parent waits for it */
$childPid = opa_http($s, 'GET', '/two')['body'];
[$p1, $childStats] = explode(' ', opa_http($s, 'GET', '/stats')['body'], 2);
opa_http($s, 'GET', '/stop');                            /* the child dies; the parent finishes /fork */
$after = opa_http($s, 'GET', '/after')['body'];
[$p2, $parentStats] = explode(' ', opa_http($s, 'GET', '/stats')['body'], 2);
opa_server_stop($s);
$rep = opa_collect($l);
$childStats = json_decode($childStats, true);
$parentStats = json_decode($parentStats, true);
$spans = array_values(array_filter($rep['messages'], fn($m) => $m['type'] === 'span'));
$names = array_map(fn($m) => $m['name'] . (isset($m['tags']['opa.forked']) ? ' (child)' : ''), $spans);
sort($names);
opa_check('fork: requests served by the child, then by the parent', $fork === 'child' && $childPid !== $parentPid
    && $p1 === $childPid && $after === $parentPid && $p2 === $parentPid, [$parentPid, $fork, $childPid, $p1, $after, $p2]);
opa_check('fork: the child opened its own TLS connection', $childStats['connects'] === 2 && $childStats['tls_handshakes'] === 2
    && $childStats['messages_dropped'] === 0, $childStats);
opa_check('fork: the parent kept its connection and session', $parentStats['connects'] === 1 && $parentStats['tls_handshakes'] === 1
    && $parentStats['messages_dropped'] === 0, $parentStats);
opa_check('fork: every span of both processes arrived decrypted', $names === ['GET /after', 'GET /fork', 'GET /fork (child)',
    'GET /one', 'GET /stats', 'GET /stats', 'GET /two'] && $rep['connections'] === 2 && $rep['tls_handshakes'] === 2
    && $rep['tls_errors'] === 0 && $rep['garbage_bytes'] === 0 && !$rep['invalid_lines'], [$names, $rep]);

/* mutual TLS: the agent requires a client certificate signed by the CA (opa.tls_cert_file/opa.tls_key_file) */
$mtls = ["$dir/server.pem", "$dir/server.key", "$dir/ca.pem"];
$base = ['opa.tls' => '1', 'opa.tls_ca_file' => "$dir/ca.pem", 'opa.send_budget_ms' => '3000'];
$l = opa_listen('tcp', $dir, $mtls);
$r = opa_run('echo "m\n";', $base + ['opa.socket_path' => $l[2], 'opa.tls_cert_file' => "$dir/client.pem",
    'opa.tls_key_file' => "$dir/client.key"], [], ['no_agent' => true]);
$rep = opa_collect($l);
opa_check('mutual TLS with a client certificate: accepted, the span arrives', $r['stdout'] === "m\n" && $r['stderr'] === ''
    && $rep['tls_handshakes'] === 1 && count($rep['messages']) === 1 && !$rep['invalid_lines'], [$r['stderr'], $rep]);
$l = opa_listen('tcp', $dir, $mtls);
$r = opa_run('echo "m\n";', $base + ['opa.socket_path' => $l[2]], [], ['no_agent' => true]);
$rep = opa_collect($l);
opa_check('mutual TLS without a client certificate: the agent refuses, output unchanged', $r['stdout'] === "m\n"
    && $r['stderr'] === '' && $r['exit'] === 0 && $rep['messages'] === [] && $rep['tls_errors'] === 1, [$r['stderr'], $rep]);

/* opa.tls applies to TCP only: a Unix socket stays plain */
$r = opa_run('echo "plain\n";', ['opa.tls' => '1', 'opa.tls_ca_file' => "$dir/ca.pem"]);
opa_check('unix socket with opa.tls=1: plain JSON arrives', $r['stdout'] === "plain\n" && count($r['messages']) === 1
    && $r['report']['tls_handshakes'] === 0 && $r['report']['garbage_bytes'] === 0, $r['report']);

foreach (glob("$dir/*") as $f) { @unlink($f); }
@rmdir($dir);
?>
--EXPECT--
cli: output unchanged: ok
cli: one TLS handshake, the span arrives decrypted: ok
web: responses unchanged: ok
web: every trace arrived decrypted, in order: ok
web: the large payload came as an LZ4 frame through TLS: ok
web: one connection, one handshake for all requests: ok
fork: requests served by the child, then by the parent: ok
fork: the child opened its own TLS connection: ok
fork: the parent kept its connection and session: ok
fork: every span of both processes arrived decrypted: ok
mutual TLS with a client certificate: accepted, the span arrives: ok
mutual TLS without a client certificate: the agent refuses, output unchanged: ok
unix socket with opa.tls=1: plain JSON arrives: ok
