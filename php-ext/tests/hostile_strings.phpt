--TEST--
Hostile strings (invalid UTF-8, quotes, backslashes, control characters, NUL) in every field still give valid JSON; long strings are cut
--EXTENSIONS--
opa
--FILE--
<?php
require __DIR__ . '/support/harness.inc';
$r = opa_run(<<<'PHP'
$evil = "q\"uote \\back \x00nul \x01\x1f ctl \n\r\t \xff\xfe bad \xc3\x28 \xed\xa0\x80 surrogate \xf0\x9f\x98\x80 emoji é";
$s = opa_start_span($evil, [$evil => $evil]);
opa_add_tag("k\"\n", $evil);
opa_end_span($s);
$db = new PDO('sqlite::memory:');
$db->query("SELECT '" . str_replace(["'", "\x00"], ["''", ''], $evil) . "' AS \"col\x01\"");
trigger_error($evil, E_USER_WARNING);
error_log($evil);
opa_dump($evil, ["\xff" => "\xfe"]);
opa_add_tag('long', str_repeat('é', 10000));
try { throw new Exception($evil); } catch (Exception $e) { opa_track_error($e); }
$f = 'fn_' . bin2hex(random_bytes(2));
eval("function $f() { usleep(200); }");
$f();
PHP, ['opa.max_string_length' => '1000', 'opa.redact_sql' => '0'], ['HTTP_USER_AGENT' => "ua\"\xff\x00"]);
opa_check_clean($r);
opa_check('every line decoded as strict UTF-8 JSON', $r['report']['invalid_lines'] === [] && count($r['messages']) === 5, [count($r['messages']), $r['report']['invalid_lines']]);
$root = opa_root($r);
$span = opa_of_type($r, 'span')[0];
$expected = "q\"uote \\back \x00nul \x01\x1f ctl \n\r\t \u{FFFD}\u{FFFD} bad \u{FFFD}( \u{FFFD}\u{FFFD}\u{FFFD} surrogate \u{1F600} emoji é";
opa_check('span name round-trips with invalid bytes replaced', $span['name'] === $expected, bin2hex($span['name']));
opa_check('tag key and value round-trip', ($span['tags'][$expected] ?? null) === $expected && $root['tags']["k\"\n"] === $expected, array_keys($span['tags']));
opa_check('SQL text round-trips', str_contains($root['sql'][0]['query'], "\u{FFFD}\u{FFFD} bad"), $root['sql'][0]['query']);
$err = opa_of_type($r, 'error');
opa_check('error messages round-trip', $err[0]['error_message'] === $expected && $err[1]['error_message'] === $expected, null);
opa_check('log message round-trips', opa_of_type($r, 'log')[0]['message'] === $expected, null);
opa_check('dump data is itself valid JSON', json_decode($root['dumps'][0]['data']) !== null && json_decode($root['dumps'][1]['data'], true) === ["\u{FFFD}" => "\u{FFFD}"], $root['dumps']);
opa_check('long value cut at opa.max_string_length bytes, still valid UTF-8', strlen($root['tags']['long']) <= 1003 && str_ends_with($root['tags']['long'], '...') && preg_match('//u', $root['tags']['long']) === 1, strlen($root['tags']['long']));
?>
--EXPECT--
clean: ok
every line decoded as strict UTF-8 JSON: ok
span name round-trips with invalid bytes replaced: ok
tag key and value round-trip: ok
SQL text round-trips: ok
error messages round-trip: ok
log message round-trips: ok
dump data is itself valid JSON: ok
long value cut at opa.max_string_length bytes, still valid UTF-8: ok
