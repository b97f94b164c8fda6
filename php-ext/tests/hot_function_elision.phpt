--TEST--
Hot functions: a user function whose calls in a request are consistently short (at least opa.hot_function_limit, averaging under an eighth of the threshold, one slow call in 256 allowed) stops being observed, across the requests of a process for opa.hot_function_recheck recorded requests (counted in opa.functions_elided); functions often slow, closures, recursion on the stack and limit 0 keep every call observed; the tree stays connected
--EXTENSIONS--
opa
--FILE--
<?php
require __DIR__ . '/support/harness.inc';
$code = <<<'PHP'
function tiny($i) { return $i + 1; }
function sometimes($i) { if ($i === 150) { usleep(3000); } return $i; }
function leaf() { usleep(300); }
function parent_of_kept() { leaf(); }
function rec($n) { return $n ? rec($n - 1) : tiny(0); }
function kept_once($i) { if ($i === 0) { usleep(300); } return $i; }
function once_mid($i) { if ($i === 3) { usleep(40); } return $i; }
function often_slow($i) { if ($i % 10 === 0) { usleep(200); } return $i; }
$closure = function ($i) { if ($i === 150) { usleep(3000); } return $i; };
$s = 0;
for ($i = 0; $i < 1000; $i++) {
    $s += tiny($i) + sometimes($i) + $closure($i) + rec(3) + kept_once($i) + once_mid($i) + often_slow($i) - 2 * $i;
}
for ($i = 0; $i < 3; $i++) { parent_of_kept(); }
echo $s, "\n";
PHP;
$fn = fn($root, $name) => count(opa_nodes($root, $name));
foreach (['64' => true, '0' => false] as $limit => $elides) {
    $r = opa_run($code, ['opa.hot_function_limit' => (string) $limit]);
    opa_check_clean($r);
    opa_check("limit $limit: output unchanged", $r['stdout'] === "2000000\n", $r['stdout']);
    $root = opa_root($r);
    $elided = (int) $root['tags']['opa.functions_elided'];
    if ($elides) {
        opa_check("limit $limit: tiny, sometimes, rec, kept_once and once_mid elided", $elided >= 5, $root['tags']);
        opa_check("limit $limit: the slow 151st call of an elided function is not a node", $fn($root, 'sometimes') === 0, $fn($root, 'sometimes'));
    } else {
        opa_check("limit $limit: nothing elided", $elided === 0, $root['tags']);
        opa_check("limit $limit: the slow 151st call is a node", $fn($root, 'sometimes') === 1, $fn($root, 'sometimes'));
    }
    opa_check("limit $limit: a slow call of a closure is always a node", $fn($root, '{closure}') === 1, $fn($root, '{closure}'));
    opa_check("limit $limit: functions with kept calls keep them", $fn($root, 'parent_of_kept') === 3 && $fn($root, 'leaf') === 3 && $fn($root, 'kept_once') === 1, null);
    opa_check("limit $limit: a function slow in one call of ten is never elided", $fn($root, 'often_slow') === 100, $fn($root, 'often_slow'));
    $ids = array_flip(array_column($root['stack'], 'call_id'));
    $orphans = array_filter($root['stack'], fn($n) => $n['parent_id'] !== null && !isset($ids[$n['parent_id']]));
    opa_check("limit $limit: no kept node lost its parent", !$orphans, array_slice($orphans, 0, 3));
    $dropped[$limit] = (int) $root['tags']['opa.nodes_dropped_threshold'];
}
opa_check('elided calls are no longer seen at all (fewer dropped calls counted)', $dropped['64'] < $dropped['0'] - 300, $dropped);

// the per-function statistics outlive the request (web SAPI, one process): a function elided in one
// request is elided from its first call in the next, and a function called a few times per request is
// elided once its calls over several requests reach the limit
$server = opa_server_start(<<<'PHP'
function maybe_slow($slow) { if ($slow) { usleep(2000); } return 1; }
function other() { return 0; }
function few($i) { return $i + 1; }
$n = isset($_GET['slow_first']) ? maybe_slow(true) : 0;
for ($i = 0; $i < 100; $i++) { $n += maybe_slow(false) + other(); }
for ($i = 0; $i < 10; $i++) { $n += few($i); }
echo $n;
PHP);
foreach (['/', '/?slow_first=1', '/', '/', '/'] as $path) { opa_http($server, 'GET', $path); }
$roots = opa_roots(opa_server_stop($server));
$counts = array_map(fn($root) => $fn($root, 'maybe_slow'), $roots);
$dropped = array_map(fn($root) => (int) $root['tags']['opa.nodes_dropped_threshold'], $roots);
$elided = array_map(fn($root) => (int) $root['tags']['opa.functions_elided'], $roots);
opa_check('five requests recorded', count($roots) === 5, count($roots));
opa_check('request 1 times maybe_slow and other until elided (32 calls each)', $dropped[0] >= 64, $dropped);
opa_check('request 2: elided from the first call (its slow first call is not a node, no call of them timed)', $counts[1] === 0 && $dropped[1] < 32 && $elided[1] >= 2, [$counts, $dropped, $elided]);
// (the router's top-level code, always timed, is a dropped call too once it runs under the threshold)
opa_check('few (10 calls a request) elided in request 4, untimed in request 5', $dropped[3] < 10 && $dropped[4] <= 1 && $elided[4] >= 3, [$dropped, $elided]);

// an elision lasts opa.hot_function_recheck recorded requests; then the function is timed again and must
// prove again that it is tiny: one that turned slow is a node again
$server = opa_server_start(<<<'PHP'
function turns_slow($slow) { if ($slow) { usleep(300); } return 1; }
$n = 0;
for ($i = 0; $i < 40; $i++) { $n += turns_slow(isset($_GET['slow'])); }
echo $n;
PHP, ['opa.hot_function_recheck' => '2']);
foreach (['/', '/?slow=1', '/?slow=1', '/?slow=1'] as $path) { opa_http($server, 'GET', $path); }
$roots = opa_roots(opa_server_stop($server));
$counts = array_map(fn($root) => $fn($root, 'turns_slow'), $roots);
opa_check('elided in request 1 and 2 (slow calls lost), timed again from request 3 (every slow call a node)', $counts === [0, 0, 40, 40], $counts);
?>
--EXPECT--
clean: ok
limit 64: output unchanged: ok
limit 64: tiny, sometimes, rec, kept_once and once_mid elided: ok
limit 64: the slow 151st call of an elided function is not a node: ok
limit 64: a slow call of a closure is always a node: ok
limit 64: functions with kept calls keep them: ok
limit 64: a function slow in one call of ten is never elided: ok
limit 64: no kept node lost its parent: ok
clean: ok
limit 0: output unchanged: ok
limit 0: nothing elided: ok
limit 0: the slow 151st call is a node: ok
limit 0: a slow call of a closure is always a node: ok
limit 0: functions with kept calls keep them: ok
limit 0: a function slow in one call of ten is never elided: ok
limit 0: no kept node lost its parent: ok
elided calls are no longer seen at all (fewer dropped calls counted): ok
five requests recorded: ok
request 1 times maybe_slow and other until elided (32 calls each): ok
request 2: elided from the first call (its slow first call is not a node, no call of them timed): ok
few (10 calls a request) elided in request 4, untimed in request 5: ok
elided in request 1 and 2 (slow calls lost), timed again from request 3 (every slow call a node): ok
