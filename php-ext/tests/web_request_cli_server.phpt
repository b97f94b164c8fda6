--TEST--
Web requests (built-in server SAPI): name, HTTP data, trusted proxy IP, status, redacted headers and query, one connection reused
--EXTENSIONS--
opa
--FILE--
<?php
require __DIR__ . '/support/harness.inc';
$server = opa_server_start(<<<'PHP'
if ($_SERVER['REQUEST_URI'] === '/stats') { header('Content-Type: application/json'); echo json_encode(opa_stats()); return; }
if ($_SERVER['REQUEST_URI'] === '/info') { phpinfo(INFO_MODULES); return; }
if (str_starts_with($_SERVER['REQUEST_URI'], '/fail')) { http_response_code(503); echo "down"; return; }
echo "hello ", $_SERVER['REQUEST_METHOD'];
PHP, ['opa.trusted_proxy_header' => 'X-Forwarded-For']);
$a = opa_http($server, 'POST', '/orders/42?page=2&api_token=s3cr3t', [
    'User-Agent' => 'phpt-agent/1.0', 'X-Forwarded-For' => '203.0.113.7, 10.0.0.1',
    'Cookie' => 'PHPSESSID=abcdef', 'Authorization' => 'Bearer xyz', 'X-Request-Id' => 'r-1'], 'a=1');
$b = opa_http($server, 'GET', '/fail/now');
$c = opa_http($server, 'GET', '/stats');
$info = opa_http($server, 'GET', '/info');
$r = opa_server_stop($server);
opa_check('clean', !$r['report']['invalid_lines'] && $r['report']['garbage_bytes'] === 0
    && !preg_match('/AddressSanitizer|runtime error:/', $r['stderr']) && !opa_our_leaks($r['stderr']), [$r['report'], $r['stderr']]);
opa_check('responses unchanged', $a['body'] === 'hello POST' && $a['status'] === 200 && $b['status'] === 503 && $b['body'] === 'down', [$a, $b]);
$roots = opa_roots($r);
opa_check('four root spans', count($roots) === 4, array_column($roots, 'name'));
[$post, $fail] = $roots;
$h = $post['tags']['http_request'];
opa_check('name METHOD /path without query', $post['name'] === 'POST /orders/42' && $fail['name'] === 'GET /fail/now', [$post['name'], $fail['name']]);
opa_check('method, host, scheme', $h['method'] === 'POST' && $h['host'] === '127.0.0.1:' . $server['port'] && $h['scheme'] === 'http', $h);
opa_check('client ip from the trusted proxy header', $h['ip'] === '203.0.113.7', $h['ip']);
opa_check('user agent', $h['user_agent'] === 'phpt-agent/1.0', $h['user_agent']);
opa_check('sensitive query parameter masked, others kept', $h['uri'] === '/orders/42?page=2&api_token=***', $h['uri']);
opa_check('cookie and authorization headers masked', $h['headers']['cookie'] === '***' && $h['headers']['authorization'] === '***' && $h['headers']['x-request-id'] === 'r-1', $h['headers']);
opa_check('status 200 ok', $h['status'] === 200 && $post['tags']['http_response']['status_code'] === 200 && $post['status'] === 'ok', $post['tags']);
opa_check('5xx makes the span an error', $fail['tags']['http_response']['status_code'] === 503 && $fail['status'] === 'error', $fail['tags']);
opa_check('each request has its own trace', $post['trace_id'] !== $fail['trace_id'], null);
$stats = json_decode($c['body'], true);
opa_check('worker counters readable from PHP', $stats['requests'] === 3 && $stats['messages_sent'] >= 2 && $stats['connects'] === 1, $stats);
opa_check('phpinfo() shows the counters', str_contains($info['body'], 'OpenProfilingAgent') && str_contains($info['body'], 'messages_sent') && str_contains($info['body'], 'opa.socket_path'), substr($info['body'], 0, 300));
opa_check('one persistent connection for all requests', $r['report']['connections'] === 1, $r['report']['connections']);
?>
--EXPECT--
clean: ok
responses unchanged: ok
four root spans: ok
name METHOD /path without query: ok
method, host, scheme: ok
client ip from the trusted proxy header: ok
user agent: ok
sensitive query parameter masked, others kept: ok
cookie and authorization headers masked: ok
status 200 ok: ok
5xx makes the span an error: ok
each request has its own trace: ok
worker counters readable from PHP: ok
phpinfo() shows the counters: ok
one persistent connection for all requests: ok
