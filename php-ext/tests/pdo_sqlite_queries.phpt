--TEST--
PDO (SQLite): query, exec, prepare+execute recorded with db_system, rows, real timings, redacted literals, errors; results unchanged
--EXTENSIONS--
opa
--FILE--
<?php
require __DIR__ . '/support/harness.inc';
$code = <<<'PHP'
function load(PDO $db) {
    $db->exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, pw TEXT)");
    $n = $db->exec("INSERT INTO users (name, pw) VALUES ('alice', 'hunter2'), ('bob', 'x''y'), ('carol', 'z')");
    $st = $db->prepare("SELECT name FROM users WHERE id > ? AND name <> 'nobody'");
    $st->execute([1]);
    $names = $st->fetchAll(PDO::FETCH_COLUMN);
    $q = $db->query("SELECT count(*) FROM users WHERE id = 2 OR pw = 'hunter2'");
    $count = $q->fetchColumn();
    $upd = $db->prepare("UPDATE users SET pw = :pw WHERE id <= 2");
    $upd->execute(['pw' => 'new']);
    try { $db->query("SELECT * FROM missing_table WHERE secret = 'leak'"); } catch (PDOException $e) { $err = get_class($e); }
    return [$n, $names, $count, $upd->rowCount(), $err];
}
$db = new PDO('sqlite::memory:', null, null, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
echo json_encode(load($db)), "\n";
PHP;
$r = opa_run($code);
opa_check_clean($r);
opa_check('results unchanged', trim($r['stdout']) === '[3,["bob","carol"],2,2,"PDOException"]', $r['stdout']);
$root = opa_root($r);
$sql = $root['sql'];
$queries = array_column($sql, 'query');
opa_check('six statements recorded', count($sql) === 6, $queries);
opa_check('string and number literals redacted', $queries[1] === 'INSERT INTO users (name, pw) VALUES (?, ?), (?, ?), (?, ?)'
    && $queries[3] === 'SELECT count(*) FROM users WHERE id = ? OR pw = ?', $queries);
opa_check('prepare+execute is one statement with its SQL', $queries[2] === "SELECT name FROM users WHERE id > ? AND name <> ?" && $queries[4] === 'UPDATE users SET pw = :pw WHERE id <= ?', $queries);
opa_check('no secret reaches the wire', !preg_match('/hunter2|leak|alice/', json_encode($r['messages'])), null);
opa_check('db_system from the driver', array_unique(array_column($sql, 'db_system')) === ['sqlite'], array_column($sql, 'db_system'));
opa_check('rows from exec and rowCount', $sql[1]['rows'] === 3 && $sql[4]['rows'] === 2, $sql);
opa_check('failed query flagged', ($sql[5]['error'] ?? false) === true && $queries[5] === 'SELECT * FROM missing_table WHERE secret = ?', $sql[5]);
opa_check('real timings', min(array_column($sql, 'duration_ms')) > 0 && $sql[0]['start_ts'] >= $root['start_ts'], $sql);
$exec = opa_nodes($root, 'exec');
$load = opa_nodes($root, 'load')[0] ?? null;
opa_check('records attach to their call node, child of the user function', count($exec) === 2 && $exec[0]['class'] === 'PDO'
    && $exec[0]['function_type'] === 1 && count($exec[0]['sql_queries']) === 1 && $exec[0]['parent_id'] === $load['call_id']
    && $exec[0]['line'] === 3, $exec);
$execute = opa_nodes($root, 'execute');
opa_check('PDOStatement::execute nodes carry their statement', count($execute) === 2 && $execute[0]['sql_queries'][0]['query'] === $queries[2], $execute);

$r3 = opa_run("\$db = new PDO('sqlite::memory:'); echo \$db->query(\"SELECT length('\" . str_repeat('secretsecret', 20000) . \"') AS n\")->fetchColumn();",
    ['opa.max_string_length' => '1000']);
$long = opa_root($r3)['sql'][0]['query'] ?? '';
opa_check('huge SQL: only the sendable part is redacted, the literal never leaks', $r3['stdout'] === '240000' && $long === 'SELECT length(?', $long);
$r2 = opa_run($code, ['opa.redact_sql' => '0']);
$q2 = array_column(opa_root($r2)['sql'], 'query');
opa_check('opa.redact_sql=0 keeps literals', $q2[1] === "INSERT INTO users (name, pw) VALUES ('alice', 'hunter2'), ('bob', 'x''y'), ('carol', 'z')", $q2);
?>
--EXPECT--
clean: ok
results unchanged: ok
six statements recorded: ok
string and number literals redacted: ok
prepare+execute is one statement with its SQL: ok
no secret reaches the wire: ok
db_system from the driver: ok
rows from exec and rowCount: ok
failed query flagged: ok
real timings: ok
records attach to their call node, child of the user function: ok
PDOStatement::execute nodes carry their statement: ok
huge SQL: only the sendable part is redacted, the literal never leaks: ok
opa.redact_sql=0 keeps literals: ok
