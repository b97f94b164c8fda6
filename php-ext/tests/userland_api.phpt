--TEST--
Userland API: manual spans (nested, tags, explicit parent), tags on the root, opa_set_parent, opa_track_error, opa_dump, enable/disable
--EXTENSIONS--
opa
--FILE--
<?php
require __DIR__ . '/support/harness.inc';
$r = opa_run(<<<'PHP'
$outer = opa_start_span('checkout', ['cart' => 3, 'password' => 'p']);
usleep(2000);
$inner = opa_start_span('payment');
opa_add_tag('gateway', 'stripe', $inner);
usleep(1000);
var_dump(opa_end_span($inner), opa_end_span($inner), opa_end_span('nope'));
opa_end_span($outer);
opa_set_parent('00000000000000aa');
$child = opa_start_span('explicit-parent');
opa_end_span($child);
$open = opa_start_span('never-ended');
var_dump(opa_add_tag('tenant', 'acme'), opa_add_tag('api_key', 'k'), opa_add_tag('x', 1, 'ffffffffffffffff'));
var_dump(opa_track_error(new LogicException('handled one'), ['order' => '7']));
var_dump(opa_track_error('string error'));
opa_dump(['a' => 1, 'b' => [true, null]], 'text', 3.5);
var_dump(opa_is_enabled(), strlen(opa_trace_id()));
PHP);
opa_check_clean($r);
echo $r['stdout'];
$root = opa_root($r);
$spans = [];
foreach (opa_of_type($r, 'span') as $s) { $spans[$s['name']] = $s; }
opa_check('manual spans share the trace', $spans['checkout']['trace_id'] === $root['trace_id'] && $spans['payment']['trace_id'] === $root['trace_id'], null);
opa_check('nesting: root <- checkout <- payment', $spans['checkout']['parent_id'] === $root['span_id'] && $spans['payment']['parent_id'] === $spans['checkout']['span_id'], $spans);
opa_check('timings measured', $spans['checkout']['duration_ms'] >= 3 && $spans['payment']['duration_ms'] >= 1 && $spans['payment']['duration_ms'] < $spans['checkout']['duration_ms'], null);
opa_check('span tags, sensitive value masked', $spans['checkout']['tags']['cart'] === '3' && $spans['checkout']['tags']['password'] === '***' && $spans['payment']['tags']['gateway'] === 'stripe', $spans['checkout']['tags']);
opa_check('opa_set_parent(span id) parents the next span', $spans['explicit-parent']['parent_id'] === '00000000000000aa', $spans['explicit-parent']);
opa_check('open span closed at request end and marked', ($spans['never-ended']['tags']['opa.auto_closed'] ?? '') === 'true', $spans['never-ended']);
opa_check('root tags, sensitive one masked', $root['tags']['tenant'] === 'acme' && $root['tags']['api_key'] === '***', $root['tags']);
$errors = opa_of_type($r, 'error');
opa_check('tracked errors are handled errors with tags', count($errors) === 2 && $errors[0]['error_type'] === 'LogicException' && $errors[0]['tags']['handled'] === 'true'
    && $errors[0]['tags']['order'] === '7' && $errors[1]['error_type'] === 'TrackedError' && $errors[1]['error_message'] === 'string error', $errors);
opa_check('errors raised inside an open span name it', $errors[0]['span_id'] === $spans['never-ended']['span_id'], null);
opa_check('tracked errors do not fail the request', $root['status'] === 'ok', null);
$d = $root['dumps'];
opa_check('three dumps with data, text, file and line', count($d) === 3 && json_decode($d[0]['data'], true) === ['a' => 1, 'b' => [true, null]]
    && str_contains($d[0]['text'], '[a] => 1') && $d[1]['data'] === '"text"' && $d[2]['data'] === '3.5' && $d[0]['line'] === 16, $d);

$r = opa_run(<<<'PHP'
function slow() { usleep(500); }
slow();
opa_disable();
slow();
var_dump(opa_is_enabled());
opa_dump('not recorded');
opa_enable();
var_dump(opa_is_enabled());
PHP);
$root = opa_root($r);
opa_check('opa_disable stops recording, root still sent', count(opa_nodes($root, 'slow')) === 1 && $root['dumps'] === [] && $r['stdout'] === "bool(false)\nbool(true)\n", [$root['stack'], $r['stdout']]);

$r = opa_run('var_dump(opa_set_parent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), opa_trace_id(), opa_set_parent("junk"));');
$root = opa_root($r);
opa_check('opa_set_parent(traceparent) continues that trace', $root['trace_id'] === '0af7651916cd43dd8448eb211c80319c' && $root['parent_id'] === 'b7ad6b7169203331'
    && str_contains($r['stdout'], 'string(32) "0af7651916cd43dd8448eb211c80319c"') && str_ends_with(trim($r['stdout']), 'bool(false)'), $r['stdout']);
?>
--EXPECT--
clean: ok
bool(true)
bool(false)
bool(false)
bool(true)
bool(true)
bool(false)
bool(true)
bool(true)
bool(true)
int(32)
manual spans share the trace: ok
nesting: root <- checkout <- payment: ok
timings measured: ok
span tags, sensitive value masked: ok
opa_set_parent(span id) parents the next span: ok
open span closed at request end and marked: ok
root tags, sensitive one masked: ok
tracked errors are handled errors with tags: ok
errors raised inside an open span name it: ok
tracked errors do not fail the request: ok
three dumps with data, text, file and line: ok
opa_disable stops recording, root still sent: ok
opa_set_parent(traceparent) continues that trace: ok
