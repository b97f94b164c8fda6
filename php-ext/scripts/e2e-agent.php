<?php
/* Driven by e2e-agent.sh: runs PHP requests with the extension against a live agent and checks the
 * stored traces through GET /api/traces/{id}. Prints one line per check; exits 1 if any failed. */
$ext = getenv('OPA_E2E_EXT');
$api = getenv('OPA_E2E_API');
$failed = 0;
function check(string $label, bool $ok, $detail = null): void
{
    global $failed;
    echo $ok ? "ok   " : "FAIL ", $label, $ok ? '' : ' ' . json_encode($detail), "\n";
    $failed += $ok ? 0 : 1;
}
function run_php(string $code, string $address, array $env = [], array $ini = []): string
{
    $file = tempnam(sys_get_temp_dir(), 'opa-e2e') . '.php';
    file_put_contents($file, "<?php\n" . $code);
    $cmd = [PHP_BINARY, '-d', 'extension=' . getenv('OPA_E2E_EXT'), '-d', "opa.socket_path=$address",
        '-d', 'opa.service_name=e2e-php', '-d', 'display_errors=0', '-d', 'log_errors=0', '-d', 'error_log=/dev/null'];
    foreach ($ini as $k => $v) {
        array_push($cmd, '-d', "$k=$v");
    }
    $cmd[] = $file;
    $p = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env + ['PATH' => getenv('PATH')]);
    $out = stream_get_contents($pipes[1]);
    proc_close($p);
    unlink($file);
    return trim($out);
}
function fetch_trace(string $id): ?array
{
    global $api;
    for ($i = 0; $i < 120; $i++) { /* the agent stores a trace after its grace period and batch interval (a lone trace: opa.batch.max-interval-ms) */
        $body = @file_get_contents("$api/api/traces/$id");
        if ($body !== false) {
            return json_decode($body, true);
        }
        usleep(250000);
    }
    return null;
}

$unix = run_php(<<<'PHP'
function load(PDO $db) { $db->exec("CREATE TABLE t (id INTEGER, pw TEXT)"); $db->exec("INSERT INTO t VALUES (1, 'hunter2')"); return $db->query("SELECT * FROM t WHERE id = 1")->fetchAll(); }
function slow() { usleep(2000); }
slow();
load(new PDO('sqlite::memory:'));
trigger_error('e2e warning', E_USER_WARNING);
error_log('app.WARNING: e2e log');
$s = opa_start_span('manual-step', ['step' => '1']); usleep(500); opa_end_span($s);
opa_dump(['k' => 'v']);
echo opa_trace_id();
PHP, getenv('OPA_E2E_SOCKET'));
$t = fetch_trace($unix);
check('unix socket: trace stored', $t !== null, $unix);
$root = null;
foreach ($t['spans'] ?? [] as $s) { if ($s['parent_id'] === null) { $root = $s; } }
$manual = array_values(array_filter($t['spans'] ?? [], fn($s) => $s['name'] === 'manual-step'));
check('root span: service, language, cpu, status', $root && $root['service'] === 'e2e-php' && $root['language'] === 'php' && $root['cpu_ms'] > 0 && $root['status'] === 'ok', $root);
check('manual span is a child of the root', count($manual) === 1 && $manual[0]['parent_id'] === $root['span_id'] && $manual[0]['tags']['step'] === '1', $manual);
check('SQL recorded and redacted', array_column($root['sql'] ?? [], 'query') === ['CREATE TABLE t (id INTEGER, pw TEXT)', 'INSERT INTO t VALUES (?, ?)', 'SELECT * FROM t WHERE id = ?'] && $root['sql_count'] === 3, $root['sql'] ?? null);
$fns = array_column($root['stack'] ?? [], 'function');
check('call tree stored', in_array('slow', $fns, true) && in_array('load', $fns, true) && in_array('{main}', $fns, true), $fns);
check('error stored with fingerprint', count($t['errors'] ?? []) === 1 && $t['errors'][0]['error_type'] === 'E_USER_WARNING' && strlen($t['errors'][0]['fingerprint']) === 16, $t['errors'] ?? null);
check('log stored with level', count($t['logs'] ?? []) === 1 && $t['logs'][0]['level'] === 'WARNING', $t['logs'] ?? null);
check('dump stored', ($root['dumps'][0]['data'] ?? null) === '{"k":"v"}', $root['dumps'] ?? null);

$tcp = run_php('function x() { usleep(300); } x(); http_response_code(503); echo opa_trace_id();', getenv('OPA_E2E_TCP'),
    ['REQUEST_METHOD' => 'POST', 'REQUEST_URI' => '/orders/7?token=abc', 'HTTP_HOST' => 'shop.test',
     'HTTP_TRACEPARENT' => '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01']);
$t = fetch_trace('0af7651916cd43dd8448eb211c80319c');
$root = $t['spans'][0] ?? null;
check('tcp: incoming traceparent continued', $tcp === '0af7651916cd43dd8448eb211c80319c' && $root && $root['parent_id'] === 'b7ad6b7169203331', $tcp);
check('web request fields: method, route, status, error', $root && $root['http_method'] === 'POST' && $root['http_route'] === '/orders/7'
    && $root['http_status'] === 503 && $root['status'] === 'error' && $root['tags']['http_request']['uri'] === '/orders/7?token=***', $root);

/* The call stack goes attached (already compressed, beside the span's JSON) by default, inline with
 * opa.attach_stack=0: the agent stores both, and the API gives the same call tree for the same request. */
function metric(string $name): float
{
    global $api;
    $sum = 0.0;
    foreach (explode("\n", (string) @file_get_contents("$api/metrics")) as $line) {
        if (preg_match('/^' . preg_quote($name, '/') . '(\{[^}]*\})? ([0-9.eE+-]+)$/', $line, $m)) {
            $sum += (float) $m[2];
        }
    }
    return $sum;
}
$attachedBefore = metric('opa_stacks_attached_total');
$tree = <<<'PHP'
function leaf($i) { usleep(150); return $i; }
function branch($n) { $s = 0; for ($i = 0; $i < $n; $i++) { $s += leaf($i); } return $s; }
class Report { public function build() { return branch(3) + strlen(str_repeat('x', 10)); } }
(new Report())->build();
echo opa_trace_id();
PHP;
$shape = fn($t) => array_map(fn($n) => ($n['class'] ?? '') . '::' . $n['function'] . '@' . $n['depth'],
    (function ($t) { foreach ($t['spans'] ?? [] as $s) { if ($s['parent_id'] === null) { return $s['stack'] ?? []; } } return []; })($t));
$attached = fetch_trace(run_php($tree, getenv('OPA_E2E_SOCKET'), [], ['opa.call_threshold_us' => '0']));
$inline = fetch_trace(run_php($tree, getenv('OPA_E2E_SOCKET'), [], ['opa.call_threshold_us' => '0', 'opa.attach_stack' => '0']));
$a = $shape($attached);
check('attached stack: the call tree read back through the API', count($a) >= 6 && in_array('Report::build@1', $a, true)
    && count(array_filter($a, fn($n) => $n === '::leaf@3')) === 3, $a);
check('attached and inline stacks give the same call tree', $a === $shape($inline), [$a, $shape($inline)]);
check('the agent counted the attached stacks (unix, tcp and this one; not the inline one)',
    metric('opa_stacks_attached_total') - $attachedBefore == 1 && metric('opa_stacks_attached_total') >= 3,
    [metric('opa_stacks_attached_total'), $attachedBefore]);
check('no frame or message rejected', metric('opa_frames_rejected_total') == 0 && metric('opa_messages_rejected_total') == 0,
    [metric('opa_frames_rejected_total'), metric('opa_messages_rejected_total')]);

echo $failed ? "e2e: $failed check(s) failed\n" : "e2e: all checks passed\n";
exit($failed ? 1 : 0);
