--TEST--
Transport failures: agent absent, bad address, agent not reading (time budget), agent restarted; requests unaffected, drops counted
--EXTENSIONS--
opa
--FILE--
<?php
require __DIR__ . '/support/harness.inc';
$code = 'function f() { usleep(200); return 42; } echo f(), "\n";';
foreach (['/nonexistent/dir/opa.sock', 'not-an-address', '127.0.0.1:1', '[::1]:notaport'] as $addr) {
    $r = opa_run($code, [], [], ['no_agent' => true, 'socket_path' => $addr]);
    opa_check("absent agent at $addr: output and exit unchanged, nothing on stderr", $r['stdout'] === "42\n" && $r['exit'] === 0 && $r['stderr'] === '', $r);
}

$router = <<<'PHP'
if ($_SERVER['REQUEST_URI'] === '/stats') { echo json_encode(opa_stats()); return; }
if ($_SERVER['REQUEST_URI'] === '/big') { opa_dump(str_repeat('y', 4000000)); }
$t = microtime(true); usleep(200); echo "fine";
PHP;
$s = opa_server_start($router, [], ['no_agent' => true]);
$a = opa_http($s, 'GET', '/work');
$b = opa_http($s, 'GET', '/stats');
opa_server_stop($s);
$stats = json_decode($b['body'], true);
opa_check('absent agent: response unchanged', $a['body'] === 'fine' && $a['status'] === 200, $a);
opa_check('absent agent: failure and drop counted, no reconnect storm', $stats['connect_failures'] === 1 && $stats['messages_dropped'] >= 1 && $stats['messages_sent'] === 0, $stats);

/* an agent that accepts connections but never reads: the kernel buffer fills up */
$dir = sys_get_temp_dir() . '/opa-stall-' . getmypid();
@mkdir($dir);
@unlink("$dir/stall.sock");
$stall = stream_socket_server("unix://$dir/stall.sock");
$s = opa_server_start($router, ['opa.socket_path' => "$dir/stall.sock", 'opa.compress_threshold' => '-1',
    'opa.max_string_length' => '5000000', 'opa.send_budget_ms' => '20'], ['no_agent' => true]);
$t0 = microtime(true);
$big = opa_http($s, 'GET', '/big');
$bigSeconds = microtime(true) - $t0;
$b = opa_http($s, 'GET', '/stats');
opa_server_stop($s);
fclose($stall);
$stats = json_decode($b['body'], true);
opa_check('stalled agent: response unchanged', $big['body'] === 'fine', $big);
opa_check('stalled agent: the worker is not blocked (20 ms budget, 4 MB payload)', $bigSeconds < 2.0, $bigSeconds);
opa_check('stalled agent: timeout counted, message dropped', $stats['send_timeouts'] >= 1 && $stats['messages_dropped'] >= 1, $stats);

/* agent restarted between requests: the dead connection is noticed and replaced */
$l1 = opa_listen('unix', $dir);
$s = opa_server_start($router, ['opa.socket_path' => $l1[2]], ['no_agent' => true]);
opa_http($s, 'GET', '/one');
usleep(100000);
$first = opa_collect($l1);
$l2 = opa_listen('unix', $dir);
opa_http($s, 'GET', '/two');
$stats = json_decode(opa_http($s, 'GET', '/stats')['body'], true);
opa_server_stop($s);
$second = opa_collect($l2);
opa_check('restarted agent: first request reached the first agent', count($first['messages']) === 1 && $first['messages'][0]['name'] === 'GET /one', $first['messages']);
opa_check('restarted agent: later requests reach the new agent', array_column($second['messages'], 'name') === ['GET /two', 'GET /stats'], array_column($second['messages'], 'name'));
opa_check('restarted agent: reconnected once, nothing dropped', $stats['connects'] === 2 && $stats['messages_dropped'] === 0, $stats);
@unlink("$dir/agent.sock");
@unlink("$dir/stall.sock");
foreach (glob("$dir/*") as $f) { @unlink($f); }
@rmdir($dir);
?>
--EXPECT--
absent agent at /nonexistent/dir/opa.sock: output and exit unchanged, nothing on stderr: ok
absent agent at not-an-address: output and exit unchanged, nothing on stderr: ok
absent agent at 127.0.0.1:1: output and exit unchanged, nothing on stderr: ok
absent agent at [::1]:notaport: output and exit unchanged, nothing on stderr: ok
absent agent: response unchanged: ok
absent agent: failure and drop counted, no reconnect storm: ok
stalled agent: response unchanged: ok
stalled agent: the worker is not blocked (20 ms budget, 4 MB payload): ok
stalled agent: timeout counted, message dropped: ok
restarted agent: first request reached the first agent: ok
restarted agent: later requests reach the new agent: ok
restarted agent: reconnected once, nothing dropped: ok
