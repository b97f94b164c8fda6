<?php
// Installs WordPress and seeds posts with comments and a tag: php install.php <wordpress dir> <port> <posts>
[$_, $dir, $port, $posts] = $argv;
$_SERVER['HTTP_HOST'] = "127.0.0.1:$port";
$_SERVER['REQUEST_URI'] = '/';
define('WP_INSTALLING', true);
require $dir . '/wp-load.php';
require_once $dir . '/wp-admin/includes/upgrade.php';
if (!is_blog_installed()) {
    wp_install('OPA benchmark blog', 'admin', 'admin@example.invalid', false, '', bin2hex(random_bytes(12)));
}
update_option('permalink_structure', '/%postname%/');
for ($i = 1; $i <= (int)$posts; $i++) {
    $id = wp_insert_post(['post_title' => "Benchmark post $i", 'post_status' => 'publish',
        'post_name' => "benchmark-post-$i", 'tags_input' => ['topic-' . ($i % 4)],
        'post_content' => str_repeat("<p>Paragraph of the benchmark post number $i, long enough to look like prose.</p>\n", 12)]);
    for ($c = 1; $c <= 5; $c++) {
        wp_insert_comment(['comment_post_ID' => $id, 'comment_content' => "Comment $c on post $i",
            'comment_author' => "reader$c", 'comment_approved' => 1]);
    }
}
flush_rewrite_rules();
echo "installed, ", wp_count_posts()->publish, " published posts\n";
