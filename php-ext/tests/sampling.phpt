--TEST--
Sampling: decided once per trace at request start; unsampled requests send only a small root summary plus their errors; incoming sampled flag honoured both ways
--EXTENSIONS--
opa
--FILE--
<?php
require __DIR__ . '/support/harness.inc';
$code = <<<'PHP'
function work() { usleep(300); (new PDO('sqlite::memory:'))->query('SELECT 1'); opa_dump('x'); }
work();
trigger_error('still reported', E_USER_WARNING);
error_log('still logged');
echo "ok\n";
PHP;
$r = opa_run($code, ['opa.sampling_rate' => '0']);
opa_check_clean($r);
$root = opa_root($r);
opa_check('output unchanged', $r['stdout'] === "ok\n", $r['stdout']);
opa_check('unsampled: root summary with timings and sampling tags', $root['tags']['sampled'] === 'false' && $root['tags']['sample_rate'] === '0' && $root['duration_ms'] > 0.3 && $root['status'] === 'ok', $root);
opa_check('unsampled: no call tree, no records, no dumps', !isset($root['stack']) && !isset($root['sql']) && !isset($root['dumps']), array_keys($root));
opa_check('unsampled: errors and logs still sent in the same trace', count(opa_of_type($r, 'error')) === 1 && count(opa_of_type($r, 'log')) === 1 && opa_of_type($r, 'error')[0]['trace_id'] === $root['trace_id'], null);
opa_check('unsampled summary is small', strlen(json_encode($root)) < 1500, strlen(json_encode($root)));

$r = opa_run($code, ['opa.sampling_rate' => '0'], ['HTTP_TRACEPARENT' => '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01']);
$root = opa_root($r);
opa_check('incoming sampled flag overrides rate 0', $root['tags']['sampled'] === 'true' && count(opa_nodes($root, 'work')) === 1 && count($root['sql']) === 1, $root['tags']);

$r = opa_run($code, ['opa.sampling_rate' => '1'], ['HTTP_TRACEPARENT' => '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00']);
$root = opa_root($r);
opa_check('incoming unsampled flag overrides rate 1', $root['tags']['sampled'] === 'false' && !isset($root['stack']) && $root['trace_id'] === '0af7651916cd43dd8448eb211c80319c', $root['tags']);

$r = opa_run($code, [], ['HTTP_TRACEPARENT' => '00-00000000000000000000000000000000-b7ad6b7169203331-01']);
$root = opa_root($r);
opa_check('invalid traceparent ignored: new trace', $root['trace_id'] !== '00000000000000000000000000000000' && $root['parent_id'] === null, $root['trace_id']);

$sampled = 0;
for ($i = 0; $i < 40; $i++) {
    $root = opa_root(opa_run('echo 1;', ['opa.sampling_rate' => '0.5']));
    $sampled += $root['tags']['sampled'] === 'true' ? 1 : 0;
}
opa_check('rate 0.5: some sampled, some not (40 requests)', $sampled > 5 && $sampled < 35, $sampled);
?>
--EXPECT--
clean: ok
output unchanged: ok
unsampled: root summary with timings and sampling tags: ok
unsampled: no call tree, no records, no dumps: ok
unsampled: errors and logs still sent in the same trace: ok
unsampled summary is small: ok
incoming sampled flag overrides rate 0: ok
incoming unsampled flag overrides rate 1: ok
invalid traceparent ignored: new trace: ok
rate 0.5: some sampled, some not (40 requests): ok
