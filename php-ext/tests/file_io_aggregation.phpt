--TEST--
File I/O: fopen/fread/fwrite/fclose/file_get_contents/file_put_contents aggregated on the calling node; records only for slow calls
--EXTENSIONS--
opa
--FILE--
<?php
require __DIR__ . '/support/harness.inc';
$code = <<<'PHP'
function io($path) {
    file_put_contents($path, str_repeat('a', 5000));
    $f = fopen($path, 'r');
    $read = 0;
    while (!feof($f)) { $read += strlen(fread($f, 1000)); }
    fclose($f);
    $w = fopen($path, 'a');
    fwrite($w, 'tail');
    fclose($w);
    return $read + strlen(file_get_contents($path));
}
echo io(tempnam(sys_get_temp_dir(), 'opa')), "\n";
PHP;
$r = opa_run($code);
opa_check_clean($r);
opa_check('results unchanged', trim($r['stdout']) === '10004', $r['stdout']);
$root = opa_root($r);
$io = opa_nodes($root, 'io')[0] ?? null;
opa_check('calls aggregated on the caller: 1 put + 2 open + 6 reads + 1 write + 2 close + 1 get', $io && $io['file_io']['operations'] === 13, $io['file_io'] ?? null);
opa_check('bytes summed', $io['file_io']['bytes'] === 5000 + 5000 + 4 + 5004, $io['file_io']);
opa_check('time summed and within the call', $io['file_io']['duration_ms'] > 0 && $io['file_io']['duration_ms'] <= $io['duration_ms'], $io);
opa_check('file calls are not nodes of their own', !opa_nodes($root, 'fread') && !opa_nodes($root, 'fopen'), null);
opa_check('no record under the default 1 ms threshold', $root['file_io'] === [], $root['file_io']);

$r = opa_run($code, ['opa.file_io_threshold_us' => '0']);
$root = opa_root($r);
$ops = array_count_values(array_column($root['file_io'], 'operation'));
opa_check('with threshold 0 every call is a record', $ops == ['file_put_contents' => 1, 'fopen' => 2, 'fread' => 6, 'fclose' => 2, 'fwrite' => 1, 'file_get_contents' => 1], $ops);
$put = $root['file_io'][0];
opa_check('record has path, bytes and timing', $put['operation'] === 'file_put_contents' && str_contains($put['path'], '/opa') && $put['bytes'] === 5000 && $put['duration_ms'] > 0, $put);
$reads = array_values(array_filter($root['file_io'], fn($x) => $x['operation'] === 'fread'));
opa_check('fread record knows the path of its stream', $reads[0]['path'] === $put['path'] && $reads[0]['bytes'] === 1000, $reads[0]);
$io = opa_nodes($root, 'io')[0];
opa_check('records attach to the calling node', count($io['file_operations']) === 13, count($io['file_operations'] ?? []));

/* paths as sent: a stream URL's password and secret query values masked, a long path cut to opa.max_string_length */
$long = sys_get_temp_dir() . '/' . str_repeat('d', 200) . '.txt';
$r = opa_run(<<<PHP
@file_get_contents('http://deploy:s3cret@127.0.0.1:1/export.csv?token=abc123&page=2');
@file_put_contents('$long', 'x');
@unlink('$long');
PHP, ['opa.file_io_threshold_us' => '0', 'opa.max_string_length' => '64']);
opa_check_clean($r);
$paths = array_column(opa_root($r)['file_io'], 'path');
opa_check('URL credentials and secret parameters masked', $paths[0] === 'http://deploy:***@127.0.0.1:1/export.csv?token=***&page=2', $paths);
opa_check('long path cut to opa.max_string_length and marked', $paths[1] === substr($long, 0, 64) . '...', $paths);
?>
--EXPECT--
clean: ok
results unchanged: ok
calls aggregated on the caller: 1 put + 2 open + 6 reads + 1 write + 2 close + 1 get: ok
bytes summed: ok
time summed and within the call: ok
file calls are not nodes of their own: ok
no record under the default 1 ms threshold: ok
with threshold 0 every call is a record: ok
record has path, bytes and timing: ok
fread record knows the path of its stream: ok
records attach to the calling node: ok
clean: ok
URL credentials and secret parameters masked: ok
long path cut to opa.max_string_length and marked: ok
