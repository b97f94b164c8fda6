# WordPress site of the benchmarks (run.sh) and of the trace corpus (bench/corpus/record.sh). Source after
# examples/lib/stack.sh, with RUN set and MariaDB started (stack_start_mariadb).
#
# wordpress_site <port> <posts>: a copy of Debian's wordpress package (with its default theme,
# twentytwentythree) in $RUN/wordpress on the database `wordpress`, seeded with <posts> posts (5 comments and
# a tag each), pretty permalinks, served by php_site_conf.
WORDPRESS_BENCH=$STACK_ROOT/bench/wordpress

# php_site_conf <service> <document root> <port>: renders $RUN/php-fpm.conf (pool and opa.service_name
# <service>, 4 static workers, socket $RUN/fpm.sock) and $RUN/nginx.conf (127.0.0.1:<port>, PHP to php-fpm)
php_site_conf() {
  stack_render "$WORDPRESS_BENCH/php-fpm.conf.tmpl" "$RUN/php-fpm.conf" SERVICE="$1"
  stack_render "$WORDPRESS_BENCH/nginx.conf.tmpl" "$RUN/nginx.conf" DOCROOT="$2" PORT="$3"
}

wordpress_site() {
  local port=$1 posts=$2
  stack_install wordpress wordpress-theme-twentytwentythree php8.2-mysql
  mariadb -S "$STACK_MYSQL_SOCKET" -uroot -e "CREATE DATABASE IF NOT EXISTS wordpress;
    GRANT ALL ON wordpress.* TO 'opa_demo'@'localhost';"
  echo "== install WordPress $(dpkg-query -W -f='${Version}' wordpress) with $posts posts"
  cp -rL /usr/share/wordpress "$RUN/wordpress"
  rm -f "$RUN/wordpress/wp-config.php"
  mkdir -p "$RUN/wordpress/wp-content/themes"
  # WordPress 6.1's default theme (without a theme WordPress answers every page with an empty body)
  cp -rL /usr/share/wordpress/wp-content/themes/twentytwentythree "$RUN/wordpress/wp-content/themes/"
  stack_render "$WORDPRESS_BENCH/wp-config.php.tmpl" "$RUN/wordpress/wp-config.php" \
    MYSQL_SOCKET="$STACK_MYSQL_SOCKET" PORT="$port" SALT="$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
  php8.2 "$WORDPRESS_BENCH/install.php" "$RUN/wordpress" "$port" "$posts"
  php_site_conf wordpress "$RUN/wordpress" "$port"
}
