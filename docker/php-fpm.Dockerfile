# php-fpm with the OPA extension built from php-ext/ (phpize) and the demo application (examples/demo).
# Build from the repository root:  docker build -f docker/php-fpm.Dockerfile -t opa-php-fpm .
FROM php:8.2-fpm-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends liblz4-dev libssl-dev pkg-config && rm -rf /var/lib/apt/lists/*
COPY php-ext/ /usr/src/opa/
WORKDIR /usr/src/opa
# a work tree may hold a configured build: start from the sources only
RUN phpize --clean && phpize && ./configure --enable-opa && make -j"$(nproc)" && cp modules/opa.so /opa.so

FROM php:8.2-fpm-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends liblz4-1 && rm -rf /var/lib/apt/lists/* \
    && docker-php-ext-install mysqli
COPY --from=build /opa.so /tmp/opa.so
RUN mv /tmp/opa.so "$(php-config --extension-dir)/opa.so"
# read by docker/php/opa.ini; override per deployment
ENV OPA_SERVICE_NAME=php-app \
    OPA_SAMPLING_RATE=1.0
COPY docker/php/opa.ini /usr/local/etc/php/conf.d/zz-opa.ini
COPY docker/php/zz-opa-pool.conf /usr/local/etc/php-fpm.d/zz-opa-pool.conf
COPY examples/demo/ /var/www/demo/
