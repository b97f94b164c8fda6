<?php
/* A typical request body for the whole-request benchmark: routing-like calls, some SQL, templating. */
final class Repo {
    public function __construct(private PDO $db) {}
    public function find(int $id): array { $st = $this->db->prepare('SELECT id, name FROM items WHERE id = ?'); $st->execute([$id]); return $st->fetch(PDO::FETCH_ASSOC) ?: []; }
}
function render(array $row): string { return '<li>' . htmlspecialchars($row['name'] ?? '') . '</li>'; }
function slug(string $s): string { return strtolower(trim(preg_replace('/[^a-z0-9]+/i', '-', $s), '-')); }
$db = new PDO('sqlite::memory:');
$db->exec('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)');
$db->exec("INSERT INTO items (name) VALUES ('alpha'), ('beta'), ('gamma'), ('delta')");
$repo = new Repo($db);
$html = '';
for ($i = 0; $i < 20; $i++) { $html .= render($repo->find($i % 4 + 1)); }
for ($i = 0; $i < 2000; $i++) { $html .= slug("Item $i") === '' ? 'x' : ''; }
echo strlen($html);
