<?php
/* Per-call overhead: N calls to a small user function; prints nanoseconds per call. */
function add(int $a, int $b): int { return $a + $b; }
$n = (int) ($argv[1] ?? 1000000);
$t = hrtime(true);
$s = 0;
for ($i = 0; $i < $n; $i++) {
    $s = add($s, $i);
}
$elapsed = hrtime(true) - $t;
printf("%.2f\n", $elapsed / $n);
