<?php

declare(strict_types=1);

// Raw signatures per second from PHP, on both back ends:
//   php -d ffi.enable=1 bench/sign.php LIBGOSTCMS GOSTCMS_BIN KEY [SECONDS]
// Compare with `gostcms speed --curve CURVE --op sign --seconds S` (native).

require __DIR__ . '/../tests/bootstrap.php';

[, $lib, $bin, $keyPath] = $argv + [null, null, null, null];
$seconds = (float) ($argv[4] ?? 2);
if ($keyPath === null) {
    fwrite(STDERR, "usage: sign.php LIBGOSTCMS GOSTCMS_BIN KEY [SECONDS]\n");
    exit(2);
}
foreach (['ffi' => fn () => Gostcms\Gostcms::ffi($lib), 'cli' => fn () => Gostcms\Gostcms::cli($bin)] as $name => $make) {
    $g = $make();
    $key = $g->loadKey($keyPath);
    $msg = str_repeat('client_secret string ', 8);
    $g->sign($key, $msg);
    $n = 0;
    $start = hrtime(true);
    do {
        $g->sign($key, $msg);
        $n++;
        $elapsed = (hrtime(true) - $start) / 1e9;
    } while ($elapsed < $seconds);
    printf("%s\tsign\t%.1f\n", $name, $n / $elapsed);
    if ($name === 'ffi') {
        $batch = array_fill(0, 256, $msg);
        $n = 0;
        $start = hrtime(true);
        do {
            $g->signBatch($key, $batch);
            $n += \count($batch);
            $elapsed = (hrtime(true) - $start) / 1e9;
        } while ($elapsed < $seconds);
        printf("%s\tsign_batch\t%.1f\n", $name, $n / $elapsed);
    }
}
