--TEST--
APCu: store, fetch hit and miss, exists, delete recorded as cache operations; values unchanged
--EXTENSIONS--
opa
--FILE--
<?php
require __DIR__ . '/support/harness.inc';
$code = <<<'PHP'
function cache() {
    $out = [apcu_store('user:1', ['name' => 'ann']), apcu_fetch('user:1'), apcu_fetch('user:2', $ok), $ok,
        apcu_exists('user:1'), apcu_fetch(['user:1', 'user:3']), apcu_delete('user:1'), apcu_store('session_token', 'x')];
    return $out;
}
echo json_encode(cache()), "\n";
PHP;
$r = opa_run($code, ['apc.enable_cli' => '1']);
opa_check_clean($r);
opa_check('results identical to a run without the extension', $r['stdout'] === opa_run($code, ['apc.enable_cli' => '1'], [], ['no_ext' => true, 'no_agent' => true])['stdout']
    && trim($r['stdout']) === '[true,{"name":"ann"},false,false,true,{"user:1":{"name":"ann"}},true,true]', $r['stdout']);
$c = opa_root($r)['cache'];
$ops = array_map(fn($x) => $x['operation'] . ' ' . $x['key'] . (isset($x['hit']) ? ($x['hit'] ? ' hit' : ' miss') : ''), $c);
opa_check('operations, keys, hits', $ops === ['store user:1', 'fetch user:1 hit', 'fetch user:2 miss', 'exists user:1 hit', 'fetch [2 keys] hit', 'delete user:1', 'store ***'], $ops);
opa_check('system and timings', array_unique(array_column($c, 'system')) === ['apcu'] && min(array_column($c, 'duration_ms')) > 0, $c);
$node = opa_nodes(opa_root($r), 'apcu_fetch');
opa_check('fetch nodes carry cache_operations', count($node) === 3 && $node[0]['cache_operations'][0]['operation'] === 'fetch', $node);
?>
--EXPECT--
clean: ok
results identical to a run without the extension: ok
operations, keys, hits: ok
system and timings: ok
fetch nodes carry cache_operations: ok
