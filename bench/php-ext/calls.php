<?php
/* Per-call overhead: N calls to a small user function; prints CPU nanoseconds (user+system) per call.
 * CPU time rather than wall time, so that other load on the machine does not count. */
function add(int $a, int $b): int { return $a + $b; }
function cpu_ns(): int { $u = getrusage(); return ($u['ru_utime.tv_sec'] + $u['ru_stime.tv_sec']) * 1000000000 + ($u['ru_utime.tv_usec'] + $u['ru_stime.tv_usec']) * 1000; }
$n = (int) ($argv[1] ?? 1000000);
$t = cpu_ns();
$s = 0;
for ($i = 0; $i < $n; $i++) {
    $s = add($s, $i);
}
printf("%.2f\n", (cpu_ns() - $t) / $n);
