<?php
declare(strict_types=1);

/** Orders in MariaDB through mysqli: object style for reads, procedural style for the count. */
final class Orders
{
    private mysqli $db;

    public function __construct(string $socket)
    {
        mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
        $this->db = new mysqli('localhost', getenv('DEMO_MYSQL_USER') ?: 'opa_demo', getenv('DEMO_MYSQL_PASSWORD') ?: 'opa_demo',
            getenv('DEMO_MYSQL_DB') ?: 'opa_demo', 0, $socket);
        $this->db->query('CREATE TABLE IF NOT EXISTS orders (id INT AUTO_INCREMENT PRIMARY KEY, customer VARCHAR(64) NOT NULL, total DECIMAL(10,2) NOT NULL)');
        $stmt = $this->db->prepare('INSERT INTO orders (customer, total) VALUES (?, ?)');
        $customer = 'customer-' . random_int(1, 50);
        $total = random_int(100, 10000) / 100;
        $stmt->bind_param('sd', $customer, $total);
        $stmt->execute();
    }

    public function recent(int $limit): array
    {
        $stmt = $this->db->prepare('SELECT id, customer, total FROM orders ORDER BY id DESC LIMIT ?');
        $stmt->bind_param('i', $limit);
        $stmt->execute();
        return $stmt->get_result()->fetch_all(MYSQLI_ASSOC);
    }

    public function count(): int
    {
        $result = mysqli_query($this->db, "SELECT COUNT(*) AS n FROM orders WHERE customer <> 'nobody'");
        return (int)mysqli_fetch_assoc($result)['n'];
    }
}
