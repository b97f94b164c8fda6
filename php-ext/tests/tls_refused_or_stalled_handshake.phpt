--TEST--
TLS handshake refused (wrong CA, wrong server name, unreadable CA file) or stalled by the agent: requests unaffected and within the budget, failures counted
--EXTENSIONS--
opa
--FILE--
<?php
require __DIR__ . '/support/harness.inc';
$dir = sys_get_temp_dir() . '/opa-tls-bad-' . getmypid();
@mkdir($dir);
opa_make_tls_certs($dir);
$tls = ["$dir/server.pem", "$dir/server.key"];
$router = <<<'PHP'
if ($_SERVER['REQUEST_URI'] === '/stats') { echo json_encode(opa_stats()); return; }
usleep(200); echo "fine";
PHP;

/* a generous budget: these cases must fail on verification, not on time (ASan, a busy machine) */
$cases = [
    'wrong CA' => ['opa.tls_ca_file' => "$dir/other-ca.pem"],
    'wrong server name' => ['opa.tls_ca_file' => "$dir/ca.pem", 'opa.tls_server_name' => 'agent.example'],
];
foreach ($cases as $label => $ini) {
    $l = opa_listen('tcp', $dir, $tls);
    $s = opa_server_start($router, $ini + ['opa.socket_path' => $l[2], 'opa.tls' => '1', 'opa.send_budget_ms' => '3000'], ['no_agent' => true]);
    $a = opa_http($s, 'GET', '/work');
    $b = opa_http($s, 'GET', '/work');
    $stats = json_decode(opa_http($s, 'GET', '/stats')['body'], true);
    opa_server_stop($s);
    $rep = opa_collect($l);
    opa_check("$label: responses unchanged", $a['body'] === 'fine' && $a['status'] === 200 && $b['body'] === 'fine', [$a, $b]);
    opa_check("$label: the agent received nothing, the client refused the handshake", $rep['messages'] === []
        && $rep['tls_handshakes'] === 0 && $rep['tls_errors'] === 1, $rep);
    opa_check("$label: refusal counted once (reconnect delay), messages dropped", $stats['tls_handshake_failures'] === 1
        && $stats['tls_handshakes'] === 0 && $stats['connect_failures'] === 1 && $stats['messages_dropped'] === 2
        && $stats['messages_sent'] === 0, $stats);
}

/* a CA file that cannot be read: no handshake is possible, nothing goes out in clear, the failure is counted */
$l = opa_listen('tcp', $dir, $tls);
$s = opa_server_start($router, ['opa.socket_path' => $l[2], 'opa.tls' => '1', 'opa.tls_ca_file' => "$dir/missing.pem",
    'opa.send_budget_ms' => '3000'], ['no_agent' => true]);
$a = opa_http($s, 'GET', '/work');
$stats = json_decode(opa_http($s, 'GET', '/stats')['body'], true);
opa_server_stop($s);
$rep = opa_collect($l);
opa_check('unreadable CA file: response unchanged', $a['body'] === 'fine' && $a['status'] === 200, $a);
opa_check('unreadable CA file: no connection made, nothing sent in clear', $rep['connections'] === 0 && $rep['messages'] === [] && $stats['connects'] === 0, [$rep, $stats]);
opa_check('unreadable CA file: counted as a failed handshake, message dropped', $stats['tls_handshake_failures'] === 1
    && $stats['tls_handshakes'] === 0 && $stats['messages_dropped'] === 1 && $stats['messages_sent'] === 0, $stats);

/* an agent that accepts TCP (the kernel's backlog) but never answers the ClientHello */
$stall = stream_socket_server('tcp://127.0.0.1:0');
$addr = stream_socket_get_name($stall, false);
$s = opa_server_start($router, ['opa.socket_path' => $addr, 'opa.tls' => '1', 'opa.tls_ca_file' => "$dir/ca.pem",
    'opa.send_budget_ms' => '100'], ['no_agent' => true]);
opa_http($s, 'GET', '/warm');
$t0 = microtime(true);
$a = opa_http($s, 'GET', '/work');
$seconds = microtime(true) - $t0;
$stats = json_decode(opa_http($s, 'GET', '/stats')['body'], true);
opa_server_stop($s);
fclose($stall);
opa_check('stalled handshake: response unchanged', $a['body'] === 'fine', $a);
opa_check('stalled handshake: the request is not held (100 ms budget)', $seconds < 1.0, $seconds);
opa_check('stalled handshake: timeout counted, messages dropped', $stats['tls_handshake_timeouts'] === 1
    && $stats['tls_handshake_failures'] === 0 && $stats['messages_dropped'] === 2 && $stats['messages_sent'] === 0, $stats);

foreach (glob("$dir/*") as $f) { @unlink($f); }
@rmdir($dir);
?>
--EXPECT--
wrong CA: responses unchanged: ok
wrong CA: the agent received nothing, the client refused the handshake: ok
wrong CA: refusal counted once (reconnect delay), messages dropped: ok
wrong server name: responses unchanged: ok
wrong server name: the agent received nothing, the client refused the handshake: ok
wrong server name: refusal counted once (reconnect delay), messages dropped: ok
unreadable CA file: response unchanged: ok
unreadable CA file: no connection made, nothing sent in clear: ok
unreadable CA file: counted as a failed handshake, message dropped: ok
stalled handshake: response unchanged: ok
stalled handshake: the request is not held (100 ms budget): ok
stalled handshake: timeout counted, messages dropped: ok
