--TEST--
CLI request: root span with ids, timings, memory and a call tree of real measured user calls
--EXTENSIONS--
opa
--FILE--
<?php
require __DIR__ . '/support/harness.inc';
$r = opa_run(<<<'PHP'
function leaf($n) { usleep(300); return $n * 2; }
function fast($n) { return $n + 1; }
function middle() { $s = 0; for ($i = 0; $i < 3; $i++) { $s += leaf($i); } for ($i = 0; $i < 100; $i++) { $s += fast($i); } return $s; }
class Worker { public function run() { return middle(); } }
function busy() { $x = 0; for ($i = 0; $i < 300000; $i++) { $x += $i % 7; } return $x; }
function sleeper() { usleep(20000); }
function cpu_us() { $u = getrusage(); return $u['ru_utime.tv_sec'] * 1e6 + $u['ru_utime.tv_usec'] + $u['ru_stime.tv_sec'] * 1e6 + $u['ru_stime.tv_usec']; }
$c0 = cpu_us(); busy(); $busy_cpu_ms = (cpu_us() - $c0) / 1000;
sleeper();
$x = str_repeat('x', 200000);
echo (new Worker)->run(), "\n";
echo opa_trace_id(), "\n";
echo $busy_cpu_ms, "\n";
PHP, ['opa.call_threshold_us' => '100']);
opa_check_clean($r);
[$sum, $trace, $busy_cpu_ms] = explode("\n", trim($r['stdout']));
$root = opa_root($r);
opa_check('output unchanged', $sum === '5056', $sum);
opa_check('trace id is 32 hex and matches opa_trace_id()', preg_match('/^[0-9a-f]{32}$/', $root['trace_id']) && $root['trace_id'] === $trace, $root['trace_id']);
opa_check('span id is 16 hex, no parent', preg_match('/^[0-9a-f]{16}$/', $root['span_id']) && $root['parent_id'] === null, $root);
opa_check('service and language', $root['service'] === 'phpt' && $root['language'] === 'php' && $root['language_version'] === PHP_VERSION, $root);
opa_check('cli name is the script', str_ends_with($root['name'], '.php'), $root['name']);
opa_check('wall >= 0.9 ms and end after start', $root['duration_ms'] >= 0.9 && $root['end_ts'] >= $root['start_ts'], $root);
opa_check('cpu measured', $root['cpu_ms'] > 0, $root['cpu_ms']);
$zmm = getenv('USE_ZEND_ALLOC') !== '0'; /* the sanitizer run disables Zend MM: PHP then reports no memory figures */
opa_check('peak memory above the 200 kB string', $zmm ? (int) $root['tags']['memory_peak_bytes'] > 200000 : $root['tags']['memory_peak_bytes'] === '0', $root['tags']);
opa_check('status ok', $root['status'] === 'ok', $root['status']);
$leaf = opa_nodes($root, 'leaf');
opa_check('3 leaf calls kept, each >= 0.3 ms', count($leaf) === 3 && min(array_column($leaf, 'duration_ms')) >= 0.3, $leaf);
// the first opa.hot_function_limit (32) calls of fast() are timed and dropped, the rest are elided
opa_check('fast calls under the threshold dropped and counted', !opa_nodes($root, 'fast') && (int) $root['tags']['opa.nodes_dropped_threshold'] >= 32 && (int) $root['tags']['opa.functions_elided'] >= 1, $root['tags']);
$middle = opa_nodes($root, 'middle')[0] ?? null;
$run = opa_nodes($root, 'run')[0] ?? null;
$main = opa_nodes($root, '{main}')[0] ?? null;
opa_check('parent links leaf -> middle -> Worker::run -> {main}', $middle && $run && $main
    && $leaf[0]['parent_id'] === $middle['call_id'] && $middle['parent_id'] === $run['call_id']
    && $run['parent_id'] === $main['call_id'] && $main['parent_id'] === null, $root['stack']);
opa_check('method node has class, type 2, file and line', $run['class'] === 'Worker' && $run['function_type'] === 2 && str_ends_with($run['file'], '.php') && $run['line'] === 5, $run);
opa_check('durations nest', $middle['duration_ms'] >= array_sum(array_column($leaf, 'duration_ms')) && $main['duration_ms'] >= $run['duration_ms'], [$middle, $main]);
opa_check('start timestamps are epoch ms inside the request', $leaf[0]['start_ts'] >= $root['start_ts'] && $leaf[0]['start_ts'] <= $root['end_ts'], [$leaf[0]['start_ts'], $root['start_ts']]);
opa_check('memory delta of {main} counts the string', $zmm ? $main['memory_delta'] >= 200000 : $main['memory_delta'] === 0, $main['memory_delta']);
$busy = opa_nodes($root, 'busy')[0];
$sleeper = opa_nodes($root, 'sleeper')[0];
/* the child measured busy() with getrusage itself; the recorded CPU time must agree (clock reads ~50 us apart) */
opa_check('CPU-bound call: cpu as measured by getrusage in the script', abs($busy['cpu_ms'] - (float) $busy_cpu_ms) <= 0.2 + 0.1 * (float) $busy_cpu_ms
    && $busy['cpu_ms'] <= $busy['duration_ms'] + 0.1, [$busy, $busy_cpu_ms]);
opa_check('sleeping call: wall >= 20 ms, cpu far below wall', $sleeper['duration_ms'] >= 20 && $sleeper['cpu_ms'] < 0.5 * $sleeper['duration_ms'], $sleeper);
opa_check('distinct call ids', count(array_unique(array_column($root['stack'], 'call_id'))) === count($root['stack']), null);
?>
--EXPECT--
clean: ok
output unchanged: ok
trace id is 32 hex and matches opa_trace_id(): ok
span id is 16 hex, no parent: ok
service and language: ok
cli name is the script: ok
wall >= 0.9 ms and end after start: ok
cpu measured: ok
peak memory above the 200 kB string: ok
status ok: ok
3 leaf calls kept, each >= 0.3 ms: ok
fast calls under the threshold dropped and counted: ok
parent links leaf -> middle -> Worker::run -> {main}: ok
method node has class, type 2, file and line: ok
durations nest: ok
start timestamps are epoch ms inside the request: ok
memory delta of {main} counts the string: ok
CPU-bound call: cpu as measured by getrusage in the script: ok
sleeping call: wall >= 20 ms, cpu far below wall: ok
distinct call ids: ok
