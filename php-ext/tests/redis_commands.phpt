--TEST--
phpredis: commands recorded with key, hit/miss and timing; AUTH/connect arguments never sent; replies unchanged
--EXTENSIONS--
opa
--SKIPIF--
<?php if (!getenv('OPA_TEST_REDIS_SOCKET')) die('skip OPA_TEST_REDIS_SOCKET not set (.ci/test-php-ext.sh starts Redis)'); ?>
--FILE--
<?php
require __DIR__ . '/support/harness.inc';
$sock = getenv('OPA_TEST_REDIS_SOCKET');
$code = "\$sock = '$sock';\n" . <<<'PHP'
$r = new Redis();
$out = [$r->connect($sock)];
$r->del('opa:k', 'opa:h');
$out[] = $r->set('opa:k', 'v1');
$out[] = $r->get('opa:k');
$out[] = $r->get('opa:missing');
$out[] = $r->hSet('opa:h', 'f', 'x');
$out[] = $r->hGet('opa:h', 'f');
$out[] = $r->incr('opa:n');
$out[] = $r->del('opa:n');
echo json_encode($out), "\n";
PHP;
$r = opa_run($code);
opa_check_clean($r);
opa_check('replies unchanged', trim($r['stdout']) === '[true,true,"v1",false,1,"x",1,1]', $r['stdout']);
$c = opa_root($r)['redis'];
$cmds = array_map(fn($x) => $x['command'] . ' ' . $x['key'] . (isset($x['hit']) ? ($x['hit'] ? ' hit' : ' miss') : ''), $c);
opa_check('commands, keys, hits', $cmds === ['CONNECT ***', 'DEL opa:k', 'SET opa:k', 'GET opa:k hit', 'GET opa:missing miss', 'HSET opa:h', 'HGET opa:h hit', 'INCR opa:n', 'DEL opa:n'], $cmds);
opa_check('timings measured', min(array_column($c, 'duration_ms')) > 0, array_column($c, 'duration_ms'));
opa_check('socket path not on the wire', !str_contains(json_encode(opa_root($r)['redis']), 'redis.sock'), null);
?>
--EXPECT--
clean: ok
replies unchanged: ok
commands, keys, hits: ok
timings measured: ok
socket path not on the wire: ok
