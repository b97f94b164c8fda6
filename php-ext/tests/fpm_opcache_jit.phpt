--TEST--
php-fpm with opcache and tracing JIT (opa.call_hook=auto picks the observer API): one worker serves sampled and unsampled requests; JIT-compiled calls are still observed; HTTP data from FastCGI
--EXTENSIONS--
opa
--SKIPIF--
<?php require_once __DIR__ . '/support/harness.inc'; require_once __DIR__ . '/support/fastcgi.inc'; if (!opa_fpm_binary()) die('skip php-fpm not installed'); ?>
--FILE--
<?php
require_once __DIR__ . '/support/harness.inc';
require_once __DIR__ . '/support/fastcgi.inc';
$fpm = opa_fpm_start(<<<'PHP'
function tick($i) { return $i * 2; }
function work() { $s = 0; for ($i = 0; $i < 3000; $i++) { $s += tick($i); } return $s; }
if ($_SERVER['REQUEST_URI'] === '/stats') { echo json_encode(opa_stats()); return; }
$jit = function_exists('opcache_get_status') ? (opcache_get_status(false)['jit']['on'] ?? false) : false;
if (str_starts_with($_SERVER['REQUEST_URI'], '/fail')) { http_response_code(500); }
echo json_encode(['sum' => work(), 'jit' => $jit, 'post' => $_POST]);
PHP, ['opa.call_threshold_us' => '0', 'opa.max_nodes' => '10000']);
$tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-';
$a = opa_fcgi($fpm, 'GET', '/warm', ['traceparent' => $tp . '00']);
$b = opa_fcgi($fpm, 'POST', '/orders/7?token=t', ['traceparent' => $tp . '01', 'User-Agent' => 'fcgi-test', 'Host' => 'shop.test'], 'qty=2');
$c = opa_fcgi($fpm, 'GET', '/fail');
$stats = json_decode(opa_fcgi($fpm, 'GET', '/stats')['body'], true);
$r = opa_fpm_stop($fpm);
opa_check('clean', !$r['report']['invalid_lines'] && $r['report']['garbage_bytes'] === 0 && !preg_match('/ERROR: AddressSanitizer|runtime error:/', $r['log']) && !opa_our_leaks($r['log']), [$r['report']['invalid_lines'], $r['log']]);
$ja = json_decode($a['body'], true);
$jb = json_decode($b['body'], true);
opa_check('responses correct, JIT on', $ja['sum'] === 8997000 && $jb['sum'] === 8997000 && $jb['post'] === ['qty' => '2'] && $ja['jit'] === true && $c['status'] === 500, [$a, $b]);
$roots = opa_roots($r);
opa_check('four root spans from one worker', count($roots) === 4 && $r['report']['connections'] === 1 && $stats['requests'] === 4, [count($roots), $r['report']['connections'], $stats]);
[$ra, $rb, $rc] = $roots;
opa_check('unsampled request: summary only', $ra['tags']['sampled'] === 'false' && !isset($ra['stack']) && $ra['name'] === 'GET /warm', $ra['tags']);
// with the JIT configured, opa.call_hook=auto chooses the observer API (the JIT refuses zend_execute_ex hooks)
opa_check('sampled request after it: every JIT-compiled call observed', $rb['tags']['sampled'] === 'true' && $rb['tags']['opa.call_hook'] === 'observer' && count(opa_nodes($rb, 'tick')) === 3000 && count(opa_nodes($rb, 'work')) === 1, count(opa_nodes($rb, 'tick')));
$h = $rb['tags']['http_request'];
opa_check('FastCGI request data', $rb['name'] === 'POST /orders/7' && $h['method'] === 'POST' && $h['host'] === 'shop.test' && $h['ip'] === '192.0.2.10'
    && $h['user_agent'] === 'fcgi-test' && $h['uri'] === '/orders/7?token=***' && $rb['tags']['php.sapi'] === 'fpm-fcgi', $h);
opa_check('trace continued from traceparent', $rb['trace_id'] === '0af7651916cd43dd8448eb211c80319c' && $rb['parent_id'] === 'b7ad6b7169203331', null);
opa_check('500 response: error status', $rc['status'] === 'error' && $rc['tags']['http_response']['status_code'] === 500, $rc['tags']);
?>
--EXPECT--
clean: ok
responses correct, JIT on: ok
four root spans from one worker: ok
unsampled request: summary only: ok
sampled request after it: every JIT-compiled call observed: ok
FastCGI request data: ok
trace continued from traceparent: ok
500 response: error status: ok
