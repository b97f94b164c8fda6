<?php

/** @generate-class-entries */

/** Resumes recording for the rest of the request (no effect on an unsampled request). */
function opa_enable(): bool {}

/** Stops recording for the rest of the request; the root summary and errors are still sent. */
function opa_disable(): bool {}

function opa_is_enabled(): bool {}

/** Starts a manual span in the request's trace and returns its id (16 hex). */
function opa_start_span(string $name, array $tags = []): string {}

function opa_end_span(string $id): bool {}

/** Adds a tag to the request's root span, or to the open manual span $spanId. */
function opa_add_tag(string $key, string|int|float|bool|null $value, ?string $spanId = null): bool {}

/**
 * Either a W3C traceparent ("00-<trace>-<span>-<flags>"): the request continues that trace;
 * or a span id (16 hex): the parent of the next manual span.
 */
function opa_set_parent(string $parent): bool {}

function opa_track_error(Throwable|string $error, array $tags = []): bool {}

function opa_dump(mixed ...$values): void {}

function opa_trace_id(): ?string {}

/** Counters of this worker process (sent, dropped, connect failures, ...). */
function opa_stats(): array {}
