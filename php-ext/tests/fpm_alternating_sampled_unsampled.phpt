--TEST--
php-fpm, opcache on, JIT off (zend_execute_ex hook): one worker alternates unsampled and sampled requests; code compiled and cached during an unsampled request is fully observed in a later sampled one; unsampled requests carry SQL counts and inject traceparent
--EXTENSIONS--
opa
--SKIPIF--
<?php require_once __DIR__ . '/support/harness.inc'; require_once __DIR__ . '/support/fastcgi.inc'; if (!opa_fpm_binary()) die('skip php-fpm not installed'); ?>
--FILE--
<?php
require_once __DIR__ . '/support/harness.inc';
require_once __DIR__ . '/support/fastcgi.inc';
$echo = opa_echo_server();
$fpm = opa_fpm_start(str_replace('ECHO_URL', $echo['base'], <<<'PHP'
if ($_SERVER['REQUEST_URI'] === '/stats') { echo json_encode(opa_stats()); return; }
$lib = __DIR__ . '/lib.php';
if (!file_exists($lib)) {
    file_put_contents($lib, '<?php
function lib_leaf($i) { return $i + 1; }
function lib_work() { $s = 0; for ($i = 0; $i < 50; $i++) { $s += lib_leaf($i); } return $s; }
class Lib { public function __call($n, $a) { return lib_leaf(1); } public static function make() { return new self; } }');
}
require_once $lib;
eval('function ev_leaf($i) { return lib_leaf($i) * 3; }');
function local_leaf($i) { return $i - 1; }
$db = new PDO('sqlite::memory:');
$db->exec('CREATE TABLE t(a)');
$db->query('SELECT 1');
$gen = (function () { yield local_leaf(1); yield local_leaf(2); })();
$s = lib_work() + ev_leaf(2) + local_leaf(5) + array_sum(array_map('local_leaf', [1, 2, 3])) + Lib::make()->magic() + array_sum(iterator_to_array($gen));
$ch = curl_init('ECHO_URL/');
curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
$sent = json_decode((string) curl_exec($ch), true);
echo json_encode(['sum' => $s, 'opcache' => opcache_get_status(false)['opcache_enabled'] ?? false,
    'traceparent' => $sent['headers']['traceparent'] ?? null]);
PHP), ['opa.call_threshold_us' => '0', 'opa.hot_function_limit' => '0', 'opa.max_nodes' => '10000',
    'opcache.jit' => 'disable', 'opcache.jit_buffer_size' => '0', 'opcache.file_update_protection' => '0']);
$tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-';
$flags = ['00', '01', '00', '01', '00', '01'];
$bodies = [];
foreach ($flags as $i => $f) {
    $bodies[] = json_decode(opa_fcgi($fpm, 'GET', "/r$i", ['traceparent' => $tp . $f])['body'], true);
}
$stats = json_decode(opa_fcgi($fpm, 'GET', '/stats')['body'], true);
$r = opa_fpm_stop($fpm);
opa_echo_stop($echo);
opa_check('clean', !$r['report']['invalid_lines'] && $r['report']['garbage_bytes'] === 0 && !preg_match('/ERROR: AddressSanitizer|runtime error:|JIT/', $r['log']) && !opa_our_leaks($r['log']), [$r['report']['invalid_lines'], $r['log']]);
$sums = array_unique(array_column($bodies, 'sum'));
opa_check('same answer every time, opcache on', $sums === [0 => 1275 + 9 + 4 + 3 + 2 + 1] && !in_array(false, array_column($bodies, 'opcache'), true), $bodies);
$roots = opa_roots($r);
// the /stats request has no traceparent: sampled at the default rate 1
opa_check('one worker served all requests', count($roots) === 7 && $stats['requests'] === 7 && $stats['requests_sampled'] === 4, [count($roots), $stats]);
opa_check('the 3 sampled requests before /stats sent their call stack attached', $stats['stacks_attached'] === 3, $stats);
foreach ($flags as $i => $f) {
    $root = $roots[$i];
    $t = $root['tags'];
    if ($f === '00') {
        opa_check("request $i unsampled: summary only, SQL and HTTP counted", $t['sampled'] === 'false' && !isset($root['stack'])
            && $t['opa.sql_count'] === '2' && $t['opa.http_count'] === '1' && (float) $t['opa.http_ms'] > 0, $t);
        opa_check("request $i unsampled: traceparent injected with the unsampled flag", $bodies[$i]['traceparent'] === '00-0af7651916cd43dd8448eb211c80319c-' . $root['span_id'] . '-00', $bodies[$i]['traceparent']);
        continue;
    }
    $count = fn ($fn) => count(opa_nodes($root, $fn));
    opa_check("request $i sampled: every call of the cached include, eval, callbacks, __call and generators seen",
        $t['sampled'] === 'true' && $t['opa.call_hook'] === 'execute_ex' && $count('lib_work') === 1 && $count('lib_leaf') === 52
        && $count('ev_leaf') === 1 && $count('local_leaf') === 6 && $count('__call') === 1 && $count('make') === 1 && count($root['sql']) === 2
        && count($root['http']) === 1, [$t, array_count_values(array_column($root['stack'], 'function'))]);
    opa_check("request $i sampled: traceparent injected with the sampled flag", str_ends_with((string) $bodies[$i]['traceparent'], '-01'), $bodies[$i]['traceparent']);
}
?>
--EXPECT--
clean: ok
same answer every time, opcache on: ok
one worker served all requests: ok
the 3 sampled requests before /stats sent their call stack attached: ok
request 0 unsampled: summary only, SQL and HTTP counted: ok
request 0 unsampled: traceparent injected with the unsampled flag: ok
request 1 sampled: every call of the cached include, eval, callbacks, __call and generators seen: ok
request 1 sampled: traceparent injected with the sampled flag: ok
request 2 unsampled: summary only, SQL and HTTP counted: ok
request 2 unsampled: traceparent injected with the unsampled flag: ok
request 3 sampled: every call of the cached include, eval, callbacks, __call and generators seen: ok
request 3 sampled: traceparent injected with the sampled flag: ok
request 4 unsampled: summary only, SQL and HTTP counted: ok
request 4 unsampled: traceparent injected with the unsampled flag: ok
request 5 sampled: every call of the cached include, eval, callbacks, __call and generators seen: ok
request 5 sampled: traceparent injected with the sampled flag: ok
