--TEST--
Pruned subtrees (execute_ex mode): an elided function none of whose counted calls was long or kept runs its whole subtree unobserved; I/O in the subtree is still recorded and ends the pruning, a probed long call ends it, a fiber switch or an exception inside a pruned call leaves the hook in place
--EXTENSIONS--
opa
--FILE--
<?php
require __DIR__ . '/support/harness.inc';
$code = <<<'PHP'
function slow_once() { usleep(300); return 1; }
function slow_often() { usleep(300); return 1; }
function outer($mode) { return $mode === 1 ? slow_once() : ($mode === 2 ? slow_often() : 1); }
function leaf_io($f) { return strlen(file_get_contents($f)) > 0 ? 1 : 0; }
function io_parent($f) { return $f === null ? 1 : leaf_io($f); }
function in_fiber($suspend) { if ($suspend) { Fiber::suspend(1); } return 1; }
function thrower($throw) { if ($throw) { throw new RuntimeException('x'); } return 1; }
function after() { usleep(200); return 1; }
$n = 0;
for ($i = 0; $i < 100; $i++) { $n += outer(0) + io_parent(null) + in_fiber(false) + thrower(false); }
$n += outer(1);                                        // pruned: its long callee is not seen
for ($i = 0; $i < 40; $i++) { $n += outer(2); }        // a probe finds outer's calls long: seen again
for ($i = 0; $i < 3; $i++) { $n += io_parent(__FILE__); } // I/O in a pruned subtree
$fiber = new Fiber(fn() => in_fiber(true));
$fiber->start();
$n += after();                                         // after a fiber switch inside a pruned call
$fiber->resume();
try { thrower(true); } catch (RuntimeException $e) { $n++; }
$n += after();                                         // after an exception out of a pruned call
echo $n, "\n";
PHP;
$fn = fn($root, $name) => count(opa_nodes($root, $name));
foreach (['32' => true, '0' => false] as $limit => $prunes) {
    $r = opa_run($code, ['opa.hot_function_limit' => $limit]);
    opa_check_clean($r);
    opa_check("limit $limit: output unchanged", $r['stdout'] === opa_run_plain($code) && $r['stdout'] === "447\n", $r['stdout']);
    $root = opa_root($r);
    if ($prunes) {
        opa_check("limit $limit: pruned calls counted", (int) $root['tags']['opa.calls_pruned'] >= 200, $root['tags']);
        opa_check("limit $limit: a long call under a pruned function is not seen", $fn($root, 'slow_once') === 0, $fn($root, 'slow_once'));
        opa_check("limit $limit: a probe ends the pruning (most of the 40 long calls are nodes)", $fn($root, 'slow_often') >= 20, $fn($root, 'slow_often'));
        opa_check("limit $limit: after I/O in a pruned subtree the subtree is seen again", $fn($root, 'leaf_io') === 2, $fn($root, 'leaf_io'));
    } else {
        opa_check("limit $limit: nothing pruned", (int) $root['tags']['opa.calls_pruned'] === 0, $root['tags']);
        opa_check("limit $limit: every long call is a node", $fn($root, 'slow_once') === 1 && $fn($root, 'slow_often') === 40 && $fn($root, 'leaf_io') === 3, null);
    }
    $ops = array_sum(array_map(fn($n) => $n['file_io']['operations'] ?? 0, $root['stack']));
    opa_check("limit $limit: every file operation is recorded", $ops === 3, $ops);
    $main = opa_nodes($root, '{main}')[0];
    $after = opa_nodes($root, 'after');
    // (the suspended fiber's frames stay on the recorded stack: the first after() is their child)
    opa_check("limit $limit: calls after a fiber switch and an exception are seen",
        count($after) === 2 && $after[1]['parent_id'] === $main['call_id'], $after);
    $ids = array_flip(array_column($root['stack'], 'call_id'));
    $orphans = array_filter($root['stack'], fn($n) => $n['parent_id'] !== null && !isset($ids[$n['parent_id']]));
    opa_check("limit $limit: no kept node lost its parent", !$orphans, array_slice($orphans, 0, 3));
}
?>
--EXPECT--
clean: ok
limit 32: output unchanged: ok
limit 32: pruned calls counted: ok
limit 32: a long call under a pruned function is not seen: ok
limit 32: a probe ends the pruning (most of the 40 long calls are nodes): ok
limit 32: after I/O in a pruned subtree the subtree is seen again: ok
limit 32: every file operation is recorded: ok
limit 32: calls after a fiber switch and an exception are seen: ok
limit 32: no kept node lost its parent: ok
clean: ok
limit 0: output unchanged: ok
limit 0: nothing pruned: ok
limit 0: every long call is a node: ok
limit 0: every file operation is recorded: ok
limit 0: calls after a fiber switch and an exception are seen: ok
limit 0: no kept node lost its parent: ok
