--TEST--
Call stack sent attached (one OPAS frame: the payload as envelope, the stack as length + LZ4 block) by default, inline with opa.attach_stack=0; same call tree either way
--EXTENSIONS--
opa
--FILE--
<?php
require __DIR__ . '/support/harness.inc';
$code = <<<'PHP'
function leaf($i) { usleep(200); return $i; }
function branch($n) { $s = 0; for ($i = 0; $i < $n; $i++) { $s += leaf($i); } return $s; }
class Report { public function build() { return branch(3); } }
trigger_error('attached warning', E_USER_WARNING);
$s = opa_start_span('step'); usleep(300); opa_end_span($s);
echo (new Report())->build(), "\n";
PHP;
$shape = fn(array $root) => array_map(fn($n) => ($n['class'] ?? '') . '::' . $n['function'] . '@' . $n['depth'] . '<' . ($n['parent_id'] === null ? '' : 'p'), $root['stack']);
$ini = ['opa.call_threshold_us' => '100', 'display_errors' => '0'];

/* default: attached; the payload (error, manual span, root last) is the envelope, LZ4 above 4 KB */
$a = opa_run($code, $ini);
opa_check_clean($a);
$root = opa_root($a);
opa_check('output unchanged', $a['stdout'] === "3\n", $a['stdout']);
opa_check('one attached stack, and it is the root span\'s', $a['report']['attached_stacks'] === 1 && isset($root['stack']), $a['report']);
opa_check('error and manual span in the same envelope', count(opa_of_type($a, 'error')) === 1 && count(opa_of_type($a, 'span')) === 2, array_column($a['messages'], 'type'));
opa_check('call tree: main, Report::build, branch, 3 leaves', count(opa_nodes($root, 'leaf')) === 3 && count(opa_nodes($root, 'build')) === 1
    && count(opa_nodes($root, '{main}')) === 1, array_column($root['stack'], 'function'));
opa_check('one frame on one connection', $a['report']['connections'] === 1 && $a['report']['json_lines'] === 0, $a['report']);

/* inline: the stack is a field of the root span's JSON, as older extensions send it */
$i = opa_run($code, $ini + ['opa.attach_stack' => '0']);
opa_check_clean($i);
opa_check('opa.attach_stack=0: no attached stack, stack inline', $i['report']['attached_stacks'] === 0 && isset(opa_root($i)['stack']), $i['report']);
opa_check('same call tree in both forms', $shape($root) === $shape(opa_root($i)), [$shape($root), $shape(opa_root($i))]);

/* small payload, compression off: the envelope is JSON text; over TCP */
$t = opa_run('function f() { usleep(200); } f();', ['opa.call_threshold_us' => '100', 'opa.compress_threshold' => '-1'], [], ['transport' => 'tcp']);
opa_check_clean($t);
opa_check('uncompressed envelope over TCP', $t['report']['attached_stacks'] === 1 && $t['report']['lz4_frames'] === 0
    && count(opa_nodes(opa_root($t), 'f')) === 1, $t['report']);

/* unsampled: the root summary has no stack, so nothing is attached */
$u = opa_run('function f() { usleep(200); } f();', ['opa.sampling_rate' => '0']);
opa_check_clean($u);
opa_check('unsampled: a plain JSON line, no stack', $u['report']['attached_stacks'] === 0 && $u['report']['json_lines'] === 1
    && !isset(opa_root($u)['stack']), $u['report']);

?>
--EXPECT--
clean: ok
output unchanged: ok
one attached stack, and it is the root span's: ok
error and manual span in the same envelope: ok
call tree: main, Report::build, branch, 3 leaves: ok
one frame on one connection: ok
clean: ok
opa.attach_stack=0: no attached stack, stack inline: ok
same call tree in both forms: ok
clean: ok
uncompressed envelope over TCP: ok
clean: ok
unsampled: a plain JSON line, no stack: ok
