--TEST--
Errors: warnings, notices, user errors, @-silenced ones skipped, uncaught exception with its class and trace, fatal error; error_log() as logs; stable fingerprints
--EXTENSIONS--
opa
--FILE--
<?php
require __DIR__ . '/support/harness.inc';
$warn = <<<'PHP'
function risky() { return $undefined_var ?? null ?: $missing; }
risky();
@file_get_contents('/nonexistent/silenced');
trigger_error('custom notice 42', E_USER_NOTICE);
error_log('app.ERROR: payment failed for order 7');
error_log('plain message');
echo "done\n";
PHP;
$r = opa_run($warn, [], [], ['script' => 'errors_and_logs.php']);
opa_check_clean($r);
$errors = opa_of_type($r, 'error');
$root = opa_root($r);
opa_check('two errors (the @-silenced one skipped)', count($errors) === 2, array_column($errors, 'error_message'));
[$w, $n] = $errors;
opa_check('warning: type, message, file, line', $w['error_type'] === 'E_WARNING' && $w['error_message'] === 'Undefined variable $missing' && str_ends_with($w['file'], '.php') && $w['line'] === 2, $w);
opa_check('warning stack trace names the function', $w['stack_trace'][0]['function'] === 'risky', $w['stack_trace']);
opa_check('user notice', $n['error_type'] === 'E_USER_NOTICE' && $n['tags']['severity'] === 'E_USER_NOTICE' && $n['tags']['handled'] === 'false', $n);
opa_check('errors belong to the request trace and span', $w['trace_id'] === $root['trace_id'] && $w['span_id'] === $root['span_id'] && $w['service'] === 'phpt', $w);
opa_check('fingerprint 16 hex, occurred_at epoch ms', preg_match('/^[0-9a-f]{16}$/', $w['fingerprint']) && abs($w['occurred_at_ms'] - $root['start_ts']) < 60000, $w);
opa_check('warnings do not fail the request', $root['status'] === 'ok', $root['status']);
$logs = opa_of_type($r, 'log');
opa_check('error_log() becomes log messages with levels', count($logs) === 2 && $logs[0]['level'] === 'ERROR' && $logs[0]['message'] === 'app.ERROR: payment failed for order 7'
    && $logs[1]['level'] === 'ERROR' && $logs[0]['fields']['source'] === 'error_log' && $logs[0]['fields']['line'] === '6' && $logs[0]['trace_id'] === $root['trace_id'], $logs);

opa_check('without tenant settings a log carries no tenant (the agent stores it under the default)', !isset($logs[0]['organization_id']) && !isset($logs[0]['project_id']), $logs[0]);

$r = opa_run("error_log('tenant log');\ntrigger_error('tenant warning', E_USER_WARNING);\n",
    ['opa.organization_id' => 'acme', 'opa.project_id' => 'shop', 'opa.environment' => 'prod', 'display_errors' => '0']);
$log = opa_of_type($r, 'log')[0] ?? [];
$err = opa_of_type($r, 'error')[0] ?? [];
opa_check('a log carries the tenant of the INI settings, like spans and errors', ($log['organization_id'] ?? null) === 'acme' && ($log['project_id'] ?? null) === 'shop'
    && $err['organization_id'] === 'acme' && $err['project_id'] === 'shop' && opa_root($r)['tags']['organization_id'] === 'acme', [$log, $err]);

$r2 = opa_run($warn, [], [], ['script' => 'errors_and_logs.php']);
opa_check('fingerprints stable across requests', array_column(opa_of_type($r2, 'error'), 'fingerprint') === array_column($errors, 'fingerprint'), null);

$r = opa_run(<<<'PHP'
class PaymentDeclined extends RuntimeException {}
function charge($amount) { throw new PaymentDeclined("card declined for amount $amount", 402); }
try { charge(1); } catch (Exception $e) { }
charge(99);
PHP);
opa_check_clean($r, 255);
$errors = opa_of_type($r, 'error');
$root = opa_root($r);
opa_check('one error: the uncaught exception (the caught one is not an error)', count($errors) === 1, array_column($errors, 'error_message'));
$e = $errors[0];
opa_check('exception class, message, location', $e['error_type'] === 'PaymentDeclined' && $e['error_message'] === 'card declined for amount 99' && $e['line'] === 3, $e);
opa_check('exception trace from the throwable', $e['stack_trace'][0]['function'] === 'charge' && $e['stack_trace'][0]['line'] === 5, $e['stack_trace']);
opa_check('uncaught exception fails the request', $root['status'] === 'error' && $e['tags']['handled'] === 'false', $root['status']);

$r = opa_run("function f() { g(); }\nf();\n", ['opa.call_threshold_us' => '0']);
opa_check_clean($r, 255);
$errors = opa_of_type($r, 'error');
$root = opa_root($r);
opa_check('fatal error reported and request failed', count($errors) === 1 && $errors[0]['error_type'] === 'Error' && str_contains($errors[0]['error_message'], 'undefined function g()') && $root['status'] === 'error', $errors);
opa_check('call tree still sent after the fatal error', count(opa_nodes($root, 'f')) === 1, $root['stack']);

$r = opa_run("set_time_limit(1);\nfunction fill() { while (true) { } }\nfill();\n");
opa_check_clean($r, 255);
$errors = opa_of_type($r, 'error');
opa_check('time limit fatal: E_ERROR reported, span still sent', count($errors) === 1 && $errors[0]['error_type'] === 'E_ERROR' && str_contains($errors[0]['error_message'], 'Maximum execution time') && opa_root($r)['status'] === 'error', $errors);
$fill = opa_nodes(opa_root($r), 'fill');
$r2 = opa_run(<<<'PHP'
for ($i = 0; $i < 20000; $i++) { $x = @$undefined; trigger_error('same warning ' . $i, E_USER_WARNING); }
for ($i = 0; $i < 150; $i++) { trigger_error('distinct ' . str_repeat('x', $i), E_USER_WARNING); }
for ($i = 0; $i < 1500; $i++) { error_log("line $i"); }
echo "done\n";
PHP, ['display_errors' => '0']);
$root2 = opa_root($r2);
opa_check('an error repeated in a loop is sent once, repeats counted', count(array_filter(opa_of_type($r2, 'error'), fn($e) => str_starts_with($e['error_message'], 'same warning'))) === 1
    && (int) $root2['tags']['opa.errors_repeated'] === 19999, $root2['tags']);
opa_check('at most 100 distinct errors per request, the rest counted', count(opa_of_type($r2, 'error')) === 100 && (int) $root2['tags']['opa.errors_dropped'] === 51, [count(opa_of_type($r2, 'error')), $root2['tags']]);
opa_check('at most 1000 logs per request, the rest counted', count(opa_of_type($r2, 'log')) === 1000 && (int) $root2['tags']['opa.logs_dropped'] === 500 && $r2['stdout'] === "done\n", $root2['tags']);
opa_check('open calls are closed at the fatal error', count($fill) === 1 && $fill[0]['duration_ms'] > 0, opa_root($r)['stack']);
?>
--EXPECT--
clean: ok
two errors (the @-silenced one skipped): ok
warning: type, message, file, line: ok
warning stack trace names the function: ok
user notice: ok
errors belong to the request trace and span: ok
fingerprint 16 hex, occurred_at epoch ms: ok
warnings do not fail the request: ok
error_log() becomes log messages with levels: ok
without tenant settings a log carries no tenant (the agent stores it under the default): ok
a log carries the tenant of the INI settings, like spans and errors: ok
fingerprints stable across requests: ok
clean: ok
one error: the uncaught exception (the caught one is not an error): ok
exception class, message, location: ok
exception trace from the throwable: ok
uncaught exception fails the request: ok
clean: ok
fatal error reported and request failed: ok
call tree still sent after the fatal error: ok
clean: ok
time limit fatal: E_ERROR reported, span still sent: ok
an error repeated in a loop is sent once, repeats counted: ok
at most 100 distinct errors per request, the rest counted: ok
at most 1000 logs per request, the rest counted: ok
open calls are closed at the fatal error: ok
