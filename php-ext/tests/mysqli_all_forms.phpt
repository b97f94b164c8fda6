--TEST--
mysqli (MariaDB): procedural and object style, every query form, prepared statements; results and behaviour unchanged
--EXTENSIONS--
opa
--SKIPIF--
<?php if (!getenv('OPA_TEST_MYSQL_SOCKET')) die('skip OPA_TEST_MYSQL_SOCKET not set (.ci/test-php-ext.sh starts MariaDB)'); ?>
--FILE--
<?php
require __DIR__ . '/support/harness.inc';
$sock = getenv('OPA_TEST_MYSQL_SOCKET');
$code = <<<PHP
mysqli_report(MYSQLI_REPORT_OFF);
\$sock = '$sock';
PHP . <<<'PHP'

$out = [];
$m = new mysqli('localhost', 'root', '', '', 0, $sock);
$m->query("CREATE DATABASE IF NOT EXISTS opa_t");
$m->select_db('opa_t');
$m->query("DROP TABLE IF EXISTS t");
$m->query("CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(20))");
$out[] = $m->query("INSERT INTO t (name) VALUES ('a'), ('b'), ('c')");                  // OO query, true
$out[] = $m->query("SELECT * FROM t WHERE id >= 2")->num_rows;                            // OO query, result
$l = mysqli_connect('localhost', 'root', '', 'opa_t', 0, $sock);
$out[] = mysqli_num_rows(mysqli_query($l, "SELECT * FROM t WHERE name = 'a'"));           // procedural
$res = mysqli_query($l, "SELECT name FROM t ORDER BY id", MYSQLI_USE_RESULT);             // unbuffered
$names = []; while ($row = mysqli_fetch_row($res)) { $names[] = $row[0]; } mysqli_free_result($res);
$out[] = implode(',', $names);
$out[] = mysqli_real_query($l, "UPDATE t SET name = 'z' WHERE id = 3");
$out[] = $m->real_query("SELECT 1");
$m->store_result()->free();
$out[] = $m->multi_query("SELECT 1; SELECT 2");
do { if ($x = $m->store_result()) { $x->free(); } } while ($m->more_results() && $m->next_result());
$out[] = $m->execute_query("SELECT name FROM t WHERE id = ?", [1])->fetch_row()[0];       // 8.2
$out[] = mysqli_execute_query($l, "SELECT name FROM t WHERE id = ?", [2])->fetch_row()[0];
$st = $m->prepare("SELECT name FROM t WHERE id = ?");
$id = 3; $st->bind_param('i', $id); $out[] = $st->execute(); $st->bind_result($name); $st->fetch(); $out[] = $name; $st->close();
$st2 = mysqli_prepare($l, "INSERT INTO t (name) VALUES (?)");
$n = 'd'; mysqli_stmt_bind_param($st2, 's', $n); $out[] = mysqli_stmt_execute($st2); $out[] = mysqli_stmt_affected_rows($st2);
$st3 = mysqli_stmt_init($l); mysqli_stmt_prepare($st3, "DELETE FROM t WHERE name = 'd'"); $out[] = mysqli_execute($st3);
$st4 = new mysqli_stmt($m, "SELECT COUNT(*) FROM t"); $out[] = $st4->execute();
$out[] = $m->query("SELECT * FROM no_such_table");                                         // false, error kept
$out[] = $m->errno;
$out[] = mysqli_query($l, "SELECT SLEEP(0.01)", MYSQLI_ASYNC);
$ready = [$l]; $e = $rj = []; mysqli_poll($ready, $e, $rj, 5);
$out[] = $l->reap_async_query()->fetch_row()[0];
mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
try { $l->query("SELECT * FROM still_missing"); } catch (mysqli_sql_exception $e) { $out[] = $e->getCode(); }
echo json_encode($out), "\n";
PHP;
$r = opa_run($code);
opa_check_clean($r);
$plain = opa_run_plain($code);
opa_check('results identical to a run without the extension', $r['stdout'] === $plain && trim($plain) === '[true,2,1,"a,b,c",true,true,true,"a","b",true,"z",true,1,true,true,false,2014,true,"0",1146]', [$r['stdout'], $plain]);
$root = opa_root($r);
$sql = array_values(array_filter($root['sql'], fn($s) => !preg_match('/^(CREATE|DROP)/', $s['query'])));
$q = array_column($sql, 'query');
opa_check('statements in order, literals redacted', $q === [
    'INSERT INTO t (name) VALUES (?), (?), (?)', 'SELECT * FROM t WHERE id >= ?', 'SELECT * FROM t WHERE name = ?',
    'SELECT name FROM t ORDER BY id', 'UPDATE t SET name = ? WHERE id = ?', 'SELECT ?', 'SELECT ?; SELECT ?',
    'SELECT name FROM t WHERE id = ?', 'SELECT name FROM t WHERE id = ?', 'SELECT name FROM t WHERE id = ?',
    'INSERT INTO t (name) VALUES (?)', 'DELETE FROM t WHERE name = ?', 'SELECT COUNT(*) FROM t', 'SELECT * FROM no_such_table', 'SELECT SLEEP(?)', 'SELECT * FROM still_missing'], $q);
opa_check('db_system mysql', array_unique(array_column($sql, 'db_system')) === ['mysql'], null);
opa_check('rows: inserted, selected, updated', $sql[0]['rows'] === 3 && $sql[1]['rows'] === 2 && $sql[2]['rows'] === 1 && $sql[4]['rows'] === 1 && $sql[10]['rows'] === 1, $sql);
opa_check('unbuffered result: rows not read', !isset($sql[3]['rows']), $sql[3]);
opa_check('failed queries flagged (false return and exception)', ($sql[13]['error'] ?? false) === true && ($sql[15]['error'] ?? false) === true && !isset($sql[14]['error']), [$sql[13], $sql[15]]);
opa_check('async query: no rows read', !isset($sql[14]['rows']), $sql[14]);
opa_check('timings measured', min(array_column($sql, 'duration_ms')) > 0, array_column($sql, 'duration_ms'));
?>
--EXPECT--
clean: ok
results identical to a run without the extension: ok
statements in order, literals redacted: ok
db_system mysql: ok
rows: inserted, selected, updated: ok
unbuffered result: rows not read: ok
failed queries flagged (false return and exception): ok
async query: no rows read: ok
timings measured: ok
