--TEST--
curl_exec and curl_multi: url, method, status, bytes, real time, errors; incoming traceparent continued and injected into outgoing requests
--EXTENSIONS--
opa
--FILE--
<?php
require __DIR__ . '/support/harness.inc';
$echo = opa_echo_server();
$base = $echo['base'];
$code = <<<PHP
\$base = '$base';
PHP . <<<'PHP'

function fetch($ch) { return json_decode(curl_exec($ch), true); }
$out = [];
$ch = curl_init("$base/echo?page=1&password=p4ss");
curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
curl_setopt($ch, CURLOPT_HTTPHEADER, ['X-Custom: kept', 'traceparent: 00-bogus']);
$out['get'] = fetch($ch);
$out['again'] = fetch($ch);
$p = curl_init("$base/status/201");
curl_setopt_array($p, [CURLOPT_RETURNTRANSFER => true, CURLOPT_POSTFIELDS => str_repeat('x', 1000)]);
$out['post'] = fetch($p);
$put = curl_init("$base/status/404");
curl_setopt_array($put, [CURLOPT_RETURNTRANSFER => true, CURLOPT_CUSTOMREQUEST => 'DELETE']);
$out['put'] = fetch($put);
$mh = curl_multi_init();
$hs = [];
foreach ([30, 60] as $ms) { $h = curl_init("$base/sleep/$ms"); curl_setopt($h, CURLOPT_RETURNTRANSFER, true); curl_multi_add_handle($mh, $h); $hs[] = $h; }
do { $st = curl_multi_exec($mh, $running); if ($running) curl_multi_select($mh, 0.1); } while ($running && $st == CURLM_OK);
foreach ($hs as $h) { $out['multi'][] = json_decode(curl_multi_getcontent($h), true)['headers']['traceparent'] ?? null; curl_multi_remove_handle($mh, $h); }
$bad = curl_init("http://127.0.0.1:1/refused");
curl_setopt($bad, CURLOPT_RETURNTRANSFER, true);
$out['refused'] = curl_exec($bad);
echo json_encode($out), "\n";
PHP;
$trace = '4bf92f3577b34da6a3ce929d0e0e4736';
$r = opa_run($code, [], ['HTTP_TRACEPARENT' => "00-$trace-00f067aa0ba902b7-01", 'HTTP_TRACESTATE' => 'vendor=abc']);
opa_check_clean($r);
$out = json_decode($r['stdout'], true);
$root = opa_root($r);
opa_check('incoming trace continued', $root['trace_id'] === $trace && $root['parent_id'] === '00f067aa0ba902b7' && $root['tags']['sampled'] === 'true', [$root['trace_id'], $root['parent_id']]);
$tp = "00-$trace-{$root['span_id']}-01";
opa_check('traceparent injected, bogus one replaced, custom header kept', $out['get']['headers']['traceparent'] === $tp
    && $out['get']['headers']['x-custom'] === 'kept' && $out['get']['headers']['tracestate'] === 'vendor=abc', $out['get']['headers']);
opa_check('reused handle still carries exactly one traceparent', $out['again']['headers']['traceparent'] === $tp, $out['again']['headers']);
opa_check('request methods unchanged', $out['post']['method'] === 'POST' && $out['post']['body_bytes'] === 1000 && $out['put']['method'] === 'DELETE', $out);
opa_check('multi handles get traceparent', $out['multi'] === [$tp, $tp], $out['multi']);
opa_check('refused call still returns false', $out['refused'] === false, $out['refused']);
$http = $root['http'];
opa_check('seven outgoing calls recorded', count($http) === 7, array_column($http, 'url'));
[$g, $g2, $post, $put] = $http;
$bad = end($http);
opa_check('url with sensitive parameter masked', $g['url'] === "{$echo['base']}/echo?page=1&password=***", $g['url']);
opa_check('method and status', $g['method'] === 'GET' && $g['status_code'] === 200 && $post['method'] === 'POST' && $post['status_code'] === 201 && $put['method'] === 'DELETE' && $put['status_code'] === 404, $http);
opa_check('bytes sent and received', $post['bytes_sent'] === 1000 && $g['bytes_received'] > 50, [$post, $g]);
$multi = array_values(array_filter($root['http'], fn($h) => str_contains($h['url'], '/sleep/')));
opa_check('curl_multi transfers timed by curl', count($multi) === 2 && $multi[0]['duration_ms'] >= 30 && $multi[1]['duration_ms'] >= 60, $multi);
opa_check('connection failure recorded with error', $bad['url'] === 'http://127.0.0.1:1/refused' && $bad['status_code'] === 0 && $bad['error'] !== '', $bad);
opa_check('net totals', $root['net']['bytes_sent'] >= 1000 && $root['net']['bytes_received'] > 200, $root['net']);
$nodes = opa_nodes($root, 'curl_exec');
$fetch = opa_nodes($root, 'fetch');
$r0 = opa_run("\$ch = curl_init('$base/echo'); curl_setopt(\$ch, CURLOPT_RETURNTRANSFER, true); echo json_decode(curl_exec(\$ch), true)['headers']['traceparent'];",
    [], ['HTTP_TRACEPARENT' => "00-$trace-00f067aa0ba902b7-00"]);
$root0 = opa_root($r0);
opa_check('unsampled request still propagates the trace (flag 00), records nothing', $r0['stdout'] === "00-$trace-{$root0['span_id']}-00" && !isset($root0['http']), [$r0['stdout'], $root0['span_id']]);
opa_check('curl_exec nodes under fetch carry their record', count($nodes) === 5 && count($fetch) === 4 && $nodes[0]['parent_id'] === $fetch[0]['call_id']
    && $nodes[0]['http_requests'][0]['url'] === $g['url'], $nodes);
opa_echo_stop($echo);
?>
--EXPECT--
clean: ok
incoming trace continued: ok
traceparent injected, bogus one replaced, custom header kept: ok
reused handle still carries exactly one traceparent: ok
request methods unchanged: ok
multi handles get traceparent: ok
refused call still returns false: ok
seven outgoing calls recorded: ok
url with sensitive parameter masked: ok
method and status: ok
bytes sent and received: ok
curl_multi transfers timed by curl: ok
connection failure recorded with error: ok
net totals: ok
unsampled request still propagates the trace (flag 00), records nothing: ok
curl_exec nodes under fetch carry their record: ok
