<?php

declare(strict_types=1);

// opcache.preload script for PHP-FPM with ffi.enable=preload (docs/php.md):
//
//   ffi.enable=preload
//   ffi.preload=/path/to/vendor/gostcms/gostcms/gostcms.ffi.h
//   opcache.preload=/path/to/vendor/gostcms/gostcms/preload.php
//   opcache.preload_user=www-data
//
// ffi.preload registers libgostcms under the FFI scope "gostcms" (the
// header's FFI_LIB is "libgostcms.so": install the library in the dynamic
// loader's path, or point ffi.preload at a copy of the header whose
// FFI_LIB is the library's absolute path). This script compiles the
// package's classes, so that Gostcms::ffi() -- code from a preloaded file --
// may use FFI in every request while FFI stays off for all other code.
// Without ffi.preload it registers the scope itself with FFI::load(),
// which PHP allows only when opcache.preload_user is not set.

try {
    FFI::scope('gostcms');
} catch (FFI\Exception) {
    $header = getenv('GOSTCMS_FFI_HEADER') ?: __DIR__ . '/gostcms.ffi.h';
    if (ini_get('opcache.preload_user')) {
        throw new RuntimeException("gostcms preload: set ffi.preload=$header (FFI::load() does not work with opcache.preload_user)");
    }
    if (FFI::load($header) === null) {
        throw new RuntimeException("gostcms preload: FFI::load($header) failed (is libgostcms.so in the loader's path?)");
    }
}
$files = new RecursiveIteratorIterator(new RecursiveDirectoryIterator(__DIR__ . '/src', FilesystemIterator::SKIP_DOTS));
$sources = [];
foreach ($files as $file) {
    if ($file->getExtension() === 'php') {
        $sources[] = $file->getPathname();
    }
}
// Adapters implement interfaces of libraries that may not be installed:
// compile only what has all its parents (others load on demand as usual).
$ordered = [];
foreach ($sources as $path) {
    $isAdapter = str_contains($path, DIRECTORY_SEPARATOR . 'Adapter' . DIRECTORY_SEPARATOR)
        && !str_ends_with($path, 'Support.php');
    if (!$isAdapter) {
        $ordered[] = $path;
    }
}
spl_autoload_register(static function (string $class): void {
    if (str_starts_with($class, 'Gostcms\\')) {
        $path = __DIR__ . '/src/' . str_replace('\\', '/', substr($class, 8)) . '.php';
        if (is_file($path)) {
            require_once $path;
        }
    }
});
foreach ($ordered as $path) {
    require_once $path;
}
