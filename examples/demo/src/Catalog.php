<?php
declare(strict_types=1);

/** Products and reviews in SQLite through PDO. productsWithReviews() runs one query per product (N+1). */
final class Catalog
{
    private PDO $db;

    public function __construct(string $file)
    {
        $this->db = new PDO('sqlite:' . $file, null, null, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
        $this->db->exec('CREATE TABLE IF NOT EXISTS products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL NOT NULL)');
        $this->db->exec('CREATE TABLE IF NOT EXISTS reviews (id INTEGER PRIMARY KEY, product_id INTEGER NOT NULL, stars INTEGER NOT NULL)');
        if ((int)$this->db->query('SELECT COUNT(*) FROM products')->fetchColumn() === 0) {
            $insert = $this->db->prepare('INSERT INTO products (name, price) VALUES (?, ?)');
            $review = $this->db->prepare('INSERT INTO reviews (product_id, stars) VALUES (?, ?)');
            for ($i = 1; $i <= 12; $i++) {
                $insert->execute(["Product $i", 9.5 + $i]);
                $review->execute([$i, 1 + $i % 5]);
            }
        }
    }

    public function productsWithReviews(): array
    {
        $products = $this->db->query('SELECT id, name, price FROM products ORDER BY id')->fetchAll(PDO::FETCH_ASSOC);
        $reviews = $this->db->prepare('SELECT AVG(stars) FROM reviews WHERE product_id = ?');
        foreach ($products as &$product) {
            $reviews->execute([$product['id']]);
            $product['stars'] = (float)$reviews->fetchColumn();
        }
        return $products;
    }
}
