<?php
// OPA demo application: one front controller, one route per thing the extension records.
declare(strict_types=1);

require __DIR__ . '/../src/Catalog.php';
require __DIR__ . '/../src/Orders.php';

$path = parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH) ?: '/';

function json_out(array $data, int $status = 200): void
{
    http_response_code($status);
    header('Content-Type: application/json');
    echo json_encode($data, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES), "\n";
}

function opa_available(string $fn): bool
{
    return function_exists($fn);
}

switch ($path) {
    case '/':
        json_out(['routes' => ['/products', '/orders', '/fetch', '/files', '/boom', '/slow', '/log', '/dump', '/api/ping']]);
        break;

    case '/products': // PDO on SQLite, with an N+1 pattern on purpose
        $catalog = new Catalog(sys_get_temp_dir() . '/opa-demo.sqlite');
        json_out(['products' => $catalog->productsWithReviews()]);
        break;

    case '/orders': // mysqli on MariaDB (procedural and object style)
        $orders = new Orders(getenv('DEMO_MYSQL_SOCKET') ?: '/run/mysqld/mysqld.sock');
        json_out(['orders' => $orders->recent(5), 'count' => $orders->count()]);
        break;

    case '/fetch': // outgoing HTTP to the second service: W3C traceparent goes along
        $backend = getenv('DEMO_BACKEND_URL') ?: 'http://127.0.0.1:8082/api/ping';
        $ch = curl_init($backend);
        curl_setopt_array($ch, [CURLOPT_RETURNTRANSFER => true, CURLOPT_TIMEOUT => 5]);
        $body = curl_exec($ch);
        $status = curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
        curl_close($ch);
        json_out(['backend_status' => $status, 'backend' => json_decode((string)$body, true)]);
        break;

    case '/api/ping': // the backend service: echoes the trace context it received
        json_out(['pong' => true, 'traceparent' => $_SERVER['HTTP_TRACEPARENT'] ?? null,
                  'trace_id' => opa_available('opa_trace_id') ? opa_trace_id() : null]);
        break;

    case '/files': // file I/O
        $file = tempnam(sys_get_temp_dir(), 'opa-demo');
        file_put_contents($file, str_repeat("line of demo data\n", 2000));
        $fh = fopen($file, 'rb');
        $bytes = 0;
        while (!feof($fh)) {
            $bytes += strlen((string)fread($fh, 8192));
        }
        fclose($fh);
        $again = strlen((string)file_get_contents($file));
        unlink($file);
        json_out(['bytes_read' => $bytes, 'bytes_again' => $again]);
        break;

    case '/boom': // an uncaught exception: status error, an error message with a stack
        throw new RuntimeException('Demo failure: the payment gateway said no');

    case '/slow': // a slow user function shows up in the call tree
        json_out(['result' => slow_report(120)]);
        break;

    case '/log':
        error_log('demo: user 42 changed their e-mail address');
        json_out(['logged' => true]);
        break;

    case '/dump':
        $cart = ['items' => [['sku' => 'A-1', 'qty' => 2], ['sku' => 'B-7', 'qty' => 1]], 'total' => 31.5];
        if (opa_available('opa_dump')) {
            opa_dump($cart, 'checkout step 2');
        }
        json_out(['dumped' => true]);
        break;

    default:
        json_out(['error' => 'not found', 'path' => $path], 404);
}

function slow_report(int $ms): string
{
    usleep($ms * 1000);
    return hash('sha256', str_repeat('report', 1000));
}
