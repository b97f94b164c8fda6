--TEST--
Huge requests: node and record caps with drop counts, deep recursion bounded, big payloads sent as LZ4 frames over TCP
--EXTENSIONS--
opa
--FILE--
<?php
require __DIR__ . '/support/harness.inc';
$r = opa_run(<<<'PHP'
function unit($i) { return $i; }
function deep($n) { return $n === 0 ? 0 : 1 + deep($n - 1); }
$s = 0;
for ($i = 0; $i < 200000; $i++) { $s += unit($i); }
$db = new PDO('sqlite::memory:');
for ($i = 0; $i < 3000; $i++) { $db->query("SELECT $i"); }
for ($i = 0; $i < 1500; $i++) { opa_end_span(opa_start_span("s$i")); }
echo $s, ' ', deep(5000), "\n";
PHP, ['opa.call_threshold_us' => '0', 'opa.max_nodes' => '1000', 'opa.max_records' => '500', 'opa.max_depth' => '256',
    'opa.send_budget_ms' => '3000' /* several MB: more than the default few-ms budget can write */],
    [], ['transport' => 'tcp']);
opa_check_clean($r);
opa_check('output unchanged', $r['stdout'] === "19999900000 5000\n", $r['stdout']);
$root = opa_root($r);
$t = $root['tags'];
opa_check('node cap respected (ancestors of kept nodes may exceed it by the stack depth)', count($root['stack']) <= 1000 + 300 && count($root['stack']) >= 1000, count($root['stack']));
opa_check('dropped nodes counted', (int) $t['opa.nodes_dropped_cap'] > 190000, $t);
opa_check('record cap respected and counted', count($root['sql']) === 500 && (int) $t['opa.records_dropped'] === 2500, [count($root['sql']), $t['opa.records_dropped']]);
$ids = array_flip(array_column($root['stack'], 'call_id'));
$orphans = array_filter($root['stack'], fn($n) => $n['parent_id'] !== null && !isset($ids[$n['parent_id']]));
opa_check('manual spans capped at 1000 per request, the rest counted', count(opa_of_type($r, 'span')) === 1001 && (int) $t['opa.spans_dropped'] === 500, [count(opa_of_type($r, 'span')), $t['opa.spans_dropped'] ?? null]);
opa_check('no kept node lost its parent', !$orphans, array_slice($orphans, 0, 3));
opa_check('deep recursion: depth bounded by opa.max_depth', max(array_column($root['stack'], 'depth')) < 256, max(array_column($root['stack'], 'depth')));
opa_check('sent over TCP as LZ4 frame(s)', $r['report']['lz4_frames'] >= 1 && $r['report']['connections'] === 1, $r['report']['lz4_frames']);
opa_check('compressed on the wire', $r['report']['bytes'] < strlen(json_encode($r['messages'])) / 2, [$r['report']['bytes'], strlen(json_encode($r['messages']))]);
?>
--EXPECT--
clean: ok
output unchanged: ok
node cap respected (ancestors of kept nodes may exceed it by the stack depth): ok
dropped nodes counted: ok
record cap respected and counted: ok
manual spans capped at 1000 per request, the rest counted: ok
no kept node lost its parent: ok
deep recursion: depth bounded by opa.max_depth: ok
sent over TCP as LZ4 frame(s): ok
compressed on the wire: ok
