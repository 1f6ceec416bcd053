<?php

declare(strict_types=1);

namespace Gostcms\Tests;

use Gostcms\Backend\FfiBackend;
use PHPUnit\Framework\TestCase;

/** gostcms.ffi.h and the PHP constants follow the cbindgen header. */
final class HeaderTest extends TestCase
{
    private static function cHeader(): string
    {
        return (string) file_get_contents(Env::root() . '/ffi/include/gostcms.h');
    }

    public function testFfiHeaderIsRegenerated(): void
    {
        $pkg = \dirname(__DIR__);
        $p = proc_open([PHP_BINARY, "$pkg/tools/make-ffi-header.php", Env::root() . '/ffi/include/gostcms.h'],
            [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        self::assertIsResource($p);
        $fresh = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        self::assertSame(0, proc_close($p), (string) $err);
        self::assertSame($fresh, file_get_contents(FfiBackend::headerPath()),
            'gostcms.ffi.h is stale: php tools/make-ffi-header.php ../../ffi/include/gostcms.h > gostcms.ffi.h');
    }

    public function testConstantsMatchTheCHeader(): void
    {
        $h = self::cHeader();
        $r = new \ReflectionClass(FfiBackend::class);
        $checked = 0;
        foreach ($r->getConstants() as $name => $value) {
            if (!\is_int($value)) {
                continue;
            }
            self::assertMatchesRegularExpression("/\\bGOSTCMS_$name = $value,|#define GOSTCMS_$name $value\\b/", $h, $name);
            $checked++;
        }
        self::assertGreaterThan(20, $checked);
        $flows = ['v2/ac' => 'AUTHORIZE', 'v3/te' => 'TOKEN', 'refresh' => 'REFRESH', 'ac' => 'LEGACY_AUTHORIZE',
            'te' => 'LEGACY_TOKEN', 'client-credentials' => 'LEGACY_CLIENT_CREDENTIALS'];
        foreach ($flows as $name => $c) {
            self::assertStringContainsString('#define GOSTCMS_FLOW_' . $c . ' ' . FfiBackend::FLOWS[$name] . "\n", $h);
        }
        // Every C function is declared for FFI.
        preg_match_all('/\b(gostcms_[a-z0-9_]+)\(/', $h, $m);
        $ffi = (string) file_get_contents(FfiBackend::headerPath());
        foreach (array_unique($m[1]) as $fn) {
            self::assertStringContainsString("$fn(", $ffi);
        }
    }

    public function testPreloadRegistersTheScope(): void
    {
        $lib = \dirname(getenv('GOSTCMS_LIB') ?: Env::root() . '/target/release/libgostcms.so');
        $pkg = \dirname(__DIR__);
        $script = 'require "' . $pkg . '/tests/bootstrap.php"; $g = Gostcms\Gostcms::ffi(); '
            . 'echo get_class(FFI::scope("gostcms")), " ", $g->version(), " ", bin2hex($g->hash(""));';
        $env = getenv();
        $env['LD_LIBRARY_PATH'] = $lib;
        $args = [PHP_BINARY, '-n', '-d', 'extension=ffi', '-d', 'zend_extension=opcache', '-d', 'opcache.enable_cli=1',
            '-d', 'ffi.enable=preload', '-d', "ffi.preload=$pkg/gostcms.ffi.h",
            '-d', "opcache.preload=$pkg/preload.php", '-d', 'opcache.preload_user=' . (posix_getpwuid(posix_geteuid())['name'] ?? 'root'),
            '-r', $script];
        // Debian builds FFI and opcache as shared extensions; a static build has them already.
        if (!self::sharedExtension('ffi')) {
            $args = array_values(array_diff($args, ['extension=ffi']));
        }
        $p = proc_open(array_values(array_filter($args, fn ($a) => $a !== '')), [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env);
        self::assertIsResource($p);
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        $code = proc_close($p);
        self::assertSame(0, $code, "preload run: $out $err");
        self::assertStringContainsString('FFI ', (string) $out);
        self::assertStringEndsWith('3f539a213e97c802cc229d474c6aa32a825a360b2a933a949fd925208d9ce1bb', (string) $out);
    }

    private static function sharedExtension(string $name): bool
    {
        $dir = (string) ini_get('extension_dir');
        return is_file("$dir/$name.so");
    }
}
