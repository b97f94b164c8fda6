--TEST--
php-fpm, opcache on, JIT off: code first compiled after the extension's RSHUTDOWN (a user session handler's write, run by the session module's RSHUTDOWN) runs right, and later sampled requests running it record every call (the op_array handle count is lowered only after the request's executor has shut down)
--EXTENSIONS--
opa
--SKIPIF--
<?php require_once __DIR__ . '/support/harness.inc'; require_once __DIR__ . '/support/fastcgi.inc'; if (!opa_fpm_binary()) die('skip php-fpm not installed'); if (!function_exists('session_set_save_handler')) die('skip session not available'); ?>
--FILE--
<?php
require_once __DIR__ . '/support/harness.inc';
require_once __DIR__ . '/support/fastcgi.inc';
$fpm = opa_fpm_start(<<<'PHP'
$late = __DIR__ . '/late.php';
if ($_SERVER['REQUEST_URI'] === '/write') {
    if (!file_exists($late)) {
        file_put_contents($late, '<?php
function late_leaf($i) { static $calls = 0; $calls++; return $i * 2 + ($calls > 0 ? 0 : 1); }
function late_work($n) { $s = 0; for ($i = 0; $i < $n; $i++) { $s += late_leaf($i); } return $s; }');
    }
    // the callable form registers no shutdown function: the session is written by the session module's
    // RSHUTDOWN, after this extension's
    session_set_save_handler(fn () => true, fn () => true, fn () => '', function ($id, $data) use ($late) {
        require_once $late;
        file_put_contents(__DIR__ . '/written', (string) late_work(10));
        return true;
    }, fn () => true, fn () => 0);
    session_start();
    $_SESSION['n'] = 1;
    echo json_encode(['cached_before' => opcache_is_script_cached($late)]);
    return;
}
$cached = opcache_is_script_cached($late);
require_once $late;
echo json_encode(['cached' => $cached, 'sum' => late_work(20)]);
PHP, ['opa.call_threshold_us' => '0', 'opa.hot_function_limit' => '0', 'opcache.jit' => 'disable',
    'opcache.jit_buffer_size' => '0', 'opcache.file_update_protection' => '0', 'session.save_path' => sys_get_temp_dir()]);
$tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-';
$bodies = [];
$bodies[] = json_decode(opa_fcgi($fpm, 'GET', '/write', ['traceparent' => $tp . '00'])['body'], true);
$written = @file_get_contents(dirname($fpm['script']) . '/written');
foreach (['01', '00', '01'] as $i => $f) {
    $bodies[] = json_decode(opa_fcgi($fpm, 'GET', "/use$i", ['traceparent' => $tp . $f])['body'], true);
}
$r = opa_fpm_stop($fpm);
opa_check('clean', !$r['report']['invalid_lines'] && $r['report']['garbage_bytes'] === 0 && !preg_match('/ERROR: AddressSanitizer|runtime error:|JIT/', $r['log']) && !opa_our_leaks($r['log']), [$r['report']['invalid_lines'], $r['log']]);
opa_check('the file was first compiled by the session write, after the request', $bodies[0]['cached_before'] === false && $written === '90', [$bodies[0], $written]);
opa_check('later requests ran it with the right result', array_unique(array_column(array_slice($bodies, 1), 'sum')) === [0 => 380], $bodies);
$roots = opa_roots($r);
opa_check('one worker served all requests', count($roots) === 4, count($roots));
foreach ([1, 3] as $i) {
    $root = $roots[$i];
    $count = fn ($fn) => count(opa_nodes($root, $fn));
    opa_check("request $i sampled: every call of the late-compiled file recorded", $root['tags']['sampled'] === 'true'
        && $root['tags']['opa.call_hook'] === 'execute_ex' && $count('late_work') === 1 && $count('late_leaf') === 20,
        [$root['tags'], array_count_values(array_column($root['stack'] ?? [], 'function'))]);
}
?>
--EXPECT--
clean: ok
the file was first compiled by the session write, after the request: ok
later requests ran it with the right result: ok
one worker served all requests: ok
request 1 sampled: every call of the late-compiled file recorded: ok
request 3 sampled: every call of the late-compiled file recorded: ok
