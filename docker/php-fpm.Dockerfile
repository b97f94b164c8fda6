# php-fpm with the OPA extension built from php-ext/ (phpize), sending to the agent over TCP.
# Build from the repository root:  docker build -f docker/php-fpm.Dockerfile -t opa-php-fpm .
FROM php:8.2-fpm-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends liblz4-dev && rm -rf /var/lib/apt/lists/*
COPY php-ext/ /usr/src/opa/
WORKDIR /usr/src/opa
RUN phpize && ./configure --enable-opa && make -j"$(nproc)" && make install

FROM php:8.2-fpm-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends liblz4-1 libsqlite3-0 \
    && rm -rf /var/lib/apt/lists/* && docker-php-ext-install mysqli pdo_mysql
COPY --from=build /usr/local/lib/php/extensions/ /usr/local/lib/php/extensions/
COPY docker/php/opa.ini /usr/local/etc/php/conf.d/zz-opa.ini
COPY examples/demo/ /var/www/demo/
