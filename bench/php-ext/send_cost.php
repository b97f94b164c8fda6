<?php
/* A request with a real-size call tree for bench/php-ext/send_cost.sh: 60 classes in 12 files, 25 calls of each
 * method under 5 parents, ~1,600 call nodes kept (opa.call_threshold_us=0), plus 40 SQL statements. */
$dir = sys_get_temp_dir() . '/opa-send-cost';
@mkdir($dir);
for ($f = 0; $f < 12; $f++) {
    $file = "$dir/wp-includes-class-component-$f.php";
    if (!file_exists($file)) {
        $code = "<?php\n";
        for ($c = 0; $c < 5; $c++) {
            $n = $f * 5 + $c;
            $code .= "class WP_Component_$n { public static function apply_filters_$n(\$v) { return \$v + strlen('x$n'); }\n"
                . "  public static function do_action_$n(\$k) { \$s = 0; for (\$i = 0; \$i < 5; \$i++) { \$s += self::apply_filters_$n(\$i + \$k); } return \$s; } }\n";
        }
        file_put_contents($file, $code);
    }
    require $file;
}
$db = new PDO('sqlite::memory:');
$db->exec('CREATE TABLE wp_options (option_name TEXT, option_value TEXT)');
for ($q = 0; $q < 40; $q++) {
    $db->query("SELECT option_value FROM wp_options WHERE option_name = 'option_$q' LIMIT 1")->fetchAll();
}
$s = 0;
for ($n = 0; $n < 60; $n++) {
    $class = "WP_Component_$n";
    for ($k = 0; $k < 5; $k++) {
        $s += $class::{"do_action_$n"}($k);
    }
}
echo $s, "\n";
