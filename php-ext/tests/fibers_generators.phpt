--TEST--
Fibers and generators: calls suspended and resumed across frames keep a consistent tree; nothing crashes or changes
--EXTENSIONS--
opa
--FILE--
<?php
require __DIR__ . '/support/harness.inc';
$code = <<<'PHP'
function gen() { for ($i = 0; $i < 3; $i++) { usleep(150); yield $i; } }
function inner($x) { usleep(150); return Fiber::suspend($x) * 2; }
function task($x) { return inner($x) + 1; }
$out = [];
foreach (gen() as $v) { $out[] = $v; }
$fibers = [];
foreach ([1, 2] as $n) { $f = new Fiber('task'); $out[] = $f->start($n); $fibers[] = $f; }
foreach (array_reverse($fibers) as $i => $f) { $f->resume(10 + $i); $out[] = $f->getReturn(); }
function after() { usleep(200); }
after();
echo json_encode($out), "\n";
PHP;
$r = opa_run($code);
opa_check_clean($r);
opa_check('results identical to a run without the extension', $r['stdout'] === opa_run_plain($code) && trim($r['stdout']) === '[0,1,2,1,2,21,23]', $r['stdout']);
$root = opa_root($r);
$ids = array_flip(array_column($root['stack'], 'call_id'));
$orphans = array_filter($root['stack'], fn($n) => $n['parent_id'] !== null && !isset($ids[$n['parent_id']]));
opa_check('every parent link resolves', !$orphans, $orphans);
opa_check('generator resumptions recorded', count(opa_nodes($root, 'gen')) >= 3, array_column($root['stack'], 'function'));
$main = opa_nodes($root, '{main}')[0];
$after = opa_nodes($root, 'after')[0] ?? null;
opa_check('the tree is back in order after the fibers', $after && $after['parent_id'] === $main['call_id'], $after);
?>
--EXPECT--
clean: ok
results identical to a run without the extension: ok
every parent link resolves: ok
generator resumptions recorded: ok
the tree is back in order after the fibers: ok
