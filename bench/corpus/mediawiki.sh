# MediaWiki site of the trace corpus (record.sh). Source after examples/lib/stack.sh and
# bench/wordpress/site.sh, with RUN set and MariaDB started (stack_start_mariadb).
#
# mediawiki_site <port> <pages>: Debian's mediawiki package (code and skins read from /usr/share/mediawiki) on
# the database `mediawiki`, with the ParserFunctions and Cite extensions, APCu as object cache, and <pages>
# seeded articles (sections, links, a table, an infobox template, references, a category), served by
# php_site_conf from $RUN/mediawiki: LocalSettings.php and small entry points that load Debian's with it.
mediawiki_site() {
  local port=$1 pages=$2 dir=$RUN/mediawiki
  stack_install mediawiki php8.2-mysql php8.2-apcu php8.2-intl php8.2-mbstring php8.2-xml
  mariadb -S "$STACK_MYSQL_SOCKET" -uroot -e "CREATE DATABASE IF NOT EXISTS mediawiki;
    GRANT ALL ON mediawiki.* TO 'opa_demo'@'localhost';"
  echo "== install MediaWiki $(dpkg-query -W -f='${Version}' mediawiki) with $pages pages"
  mkdir -p "$dir/cache" "$dir/seed"
  (cd /usr/share/mediawiki && php8.2 maintenance/install.php --confpath "$dir" --dbtype mysql \
    --dbserver "localhost:$STACK_MYSQL_SOCKET" --dbname mediawiki --dbuser opa_demo --dbpass opa_demo \
    --installdbuser opa_demo --installdbpass opa_demo --server "http://127.0.0.1:$port" --scriptpath "" \
    --pass "opa-bench-$(head -c 9 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')" --skins Vector \
    "OPA benchmark wiki" admin >"$dir/install.log")
  cat >>"$dir/LocalSettings.php" <<PHP
\$wgExtensionDirectory = '/usr/share/mediawiki/extensions-core';
wfLoadExtensions( [ 'ParserFunctions', 'Cite' ] );
\$wgCacheDirectory = '$dir/cache';
\$wgJobRunRate = 0; // jobs run by runJobs.php below, not as extra requests while the corpus is recorded
PHP
  for entry in index api load rest opensearch_desc; do
    printf "<?php\ndefine( 'MW_CONFIG_FILE', __DIR__ . '/LocalSettings.php' );\nrequire '/usr/share/mediawiki/%s.php';\n" \
      "$entry" >"$dir/$entry.php"
  done
  ln -sfn /usr/share/mediawiki/resources "$dir/resources"
  ln -sfn /usr/share/mediawiki/skins "$dir/skins"
  cat >"$dir/seed/Template:Infobox" <<'WIKI'
{| class="infobox" style="float:right; border:1px solid #aaa"
! colspan="2" | {{{name|{{PAGENAME}}}}}
|-
| Topic || {{#if: {{{topic|}}} | [[:Category:{{{topic}}}|{{{topic}}}]] | none }}
|-
| Size || {{#expr: {{{size|0}}} * 1024 }} bytes
|-
| Related || {{#switch: {{{kind|}}} | a = [[Article 1]] | b = [[Article 2]] | #default = [[Main Page]] }}
|}
WIKI
  local i
  for i in $(seq 1 "$pages"); do
    {
      echo "{{Infobox|name=Article $i|topic=Topic $((i % 5))|size=$i|kind=$([ $((i % 2)) = 0 ] && echo a || echo b)}}"
      echo "'''Article $i''' is a seeded page of the OPA benchmark wiki.<ref>Seed reference $i.</ref>"
      for s in 1 2 3 4; do
        echo "== Section $s =="
        echo "Paragraph $s of article $i links to [[Article $(( (i + s) % pages + 1 ))]] and [[Article $(( (i * s) % pages + 1 ))|another one]], with ''emphasis'' and '''bold''' text.<ref>Note $s of article $i.</ref>"
        echo "* item one of section $s"
        echo "* item two with [[Article $(( (i + 2 * s) % pages + 1 ))]]"
      done
      echo '{| class="wikitable"'
      echo '! Key !! Value'
      for r in 1 2 3 4 5; do echo "|-"; echo "| row $r || {{#expr: $i * $r }}"; done
      echo '|}'
      echo "== References =="
      echo "<references />"
      echo "[[Category:Topic $((i % 5))]]"
    } >"$dir/seed/Article $i"
  done
  (cd /usr/share/mediawiki && MW_CONFIG_FILE=$dir/LocalSettings.php php8.2 maintenance/importTextFiles.php \
    --overwrite --summary seed "$dir"/seed/* >>"$dir/install.log" \
    && MW_CONFIG_FILE=$dir/LocalSettings.php php8.2 maintenance/runJobs.php >>"$dir/install.log")
  php_site_conf mediawiki "$dir" "$port"
}
