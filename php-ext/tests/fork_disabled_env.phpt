--TEST--
pcntl_fork child reports its own span without re-sending the parent's data; opa.enabled=0 sends nothing; OPA_* environment overrides INI
--EXTENSIONS--
opa
--FILE--
<?php
require __DIR__ . '/support/harness.inc';
$r = opa_run(<<<'PHP'
function before() { usleep(300); }
function in_child() { usleep(300); }
before();
trigger_error('before fork', E_USER_NOTICE);
$pid = pcntl_fork();
if ($pid === 0) { in_child(); exit(0); }
pcntl_waitpid($pid, $status);
echo "parent done\n";
PHP);
opa_check_clean($r);
$roots = opa_roots($r);
$parent = array_values(array_filter($roots, fn($s) => !isset($s['tags']['opa.forked'])));
$child = array_values(array_filter($roots, fn($s) => isset($s['tags']['opa.forked'])));
opa_check('one parent and one child span', count($parent) === 1 && count($child) === 1, array_column($roots, 'tags'));
opa_check('child span is a child of the parent span in the same trace', $child[0]['parent_id'] === $parent[0]['span_id'] && $child[0]['trace_id'] === $parent[0]['trace_id'] && $child[0]['span_id'] !== $parent[0]['span_id'], $child);
opa_check('child has only its own calls', opa_nodes($child[0], 'in_child') && !opa_nodes($child[0], 'before') && opa_nodes($parent[0], 'before') && !opa_nodes($parent[0], 'in_child'), null);
opa_check('pre-fork error sent once', count(opa_of_type($r, 'error')) === 1, count(opa_of_type($r, 'error')));
opa_check('child used its own connection', $r['report']['connections'] === 2, $r['report']['connections']);

$r = opa_run('function f() { usleep(200); } f(); var_dump(opa_is_enabled(), opa_enable(), opa_trace_id(), opa_start_span("x"));', ['opa.enabled' => '0']);
opa_check('opa.enabled=0: nothing sent, API inert', $r['messages'] === [] && $r['report']['connections'] === 0
    && $r['stdout'] === "bool(false)\nbool(false)\nNULL\nstring(16) \"0000000000000000\"\n", [$r['stdout'], $r['messages']]);

$r = opa_run('echo 1;', ['opa.service_name' => 'from-ini'], ['OPA_SERVICE_NAME' => 'from-env', 'OPA_ENVIRONMENT' => 'staging']);
$root = opa_root($r);
opa_check('environment variables override INI', $root['service'] === 'from-env' && $root['tags']['environment'] === 'staging', [$root['service'], $root['tags']]);
$r = opa_run('echo 1;', [], ['OPA_ENABLED' => '0']);
opa_check('OPA_ENABLED=0 disables', $r['messages'] === [], count($r['messages']));
?>
--EXPECT--
clean: ok
one parent and one child span: ok
child span is a child of the parent span in the same trace: ok
child has only its own calls: ok
pre-fork error sent once: ok
child used its own connection: ok
opa.enabled=0: nothing sent, API inert: ok
environment variables override INI: ok
OPA_ENABLED=0 disables: ok
