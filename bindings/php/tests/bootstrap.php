<?php

declare(strict_types=1);

// Test environment (run-tests.sh sets it):
//   GOSTCMS_LIB   libgostcms.so for the FFI back end
//   GOSTCMS_BIN   the gostcms binary for the CLI back end
//   GOSTCMS_ROOT  the repository (vectors/, ffi/include/gostcms.h)
//   OSSL_CNF      an openssl.cnf loading the gost engine (per command only)
// PHP's FFI needs -d ffi.enable=1 on the command line.

spl_autoload_register(static function (string $class): void {
    foreach (['Gostcms\\Tests\\' => __DIR__ . '/', 'Gostcms\\' => dirname(__DIR__) . '/src/'] as $prefix => $dir) {
        if (str_starts_with($class, $prefix)) {
            $path = $dir . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
            if (is_file($path)) {
                require $path;
            }
            return;
        }
    }
});
