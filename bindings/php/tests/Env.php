<?php

declare(strict_types=1);

namespace Gostcms\Tests;

use Gostcms\Gostcms;
use PHPUnit\Framework\Assert;

/** Paths, back ends and the OpenSSL oracle for the tests. */
final class Env
{
    public static function root(): string
    {
        return getenv('GOSTCMS_ROOT') ?: \dirname(__DIR__, 3);
    }

    public static function vector(string $path): string
    {
        return self::root() . '/vectors/' . $path;
    }

    public static function ffi(): Gostcms
    {
        $lib = getenv('GOSTCMS_LIB') ?: self::root() . '/target/release/libgostcms.so';
        return Gostcms::ffi($lib);
    }

    public static function cli(): Gostcms
    {
        $bin = getenv('GOSTCMS_BIN') ?: self::root() . '/target/release/gostcms';
        return Gostcms::cli($bin);
    }

    /** @return array<string, array{0: Gostcms}> */
    public static function backends(): array
    {
        return ['ffi' => [self::ffi()], 'cli' => [self::cli()]];
    }

    public static function tmpdir(): string
    {
        $dir = sys_get_temp_dir() . '/gostcms-php-test-' . bin2hex(random_bytes(6));
        mkdir($dir, 0700);
        register_shutdown_function(static function () use ($dir): void {
            foreach (glob("$dir/*") ?: [] as $f) {
                unlink($f);
            }
            @rmdir($dir);
        });
        return $dir;
    }

    /**
     * Runs openssl (with the gost engine through OSSL_CNF, for this command
     * only) and returns [exit code, stdout + stderr].
     *
     * @param list<string> $args
     * @return array{0: int, 1: string}
     */
    public static function openssl(array $args): array
    {
        $cnf = getenv('OSSL_CNF') ?: self::root() . '/tests/data/ossl.cnf';
        $env = getenv();
        $env['OPENSSL_CONF'] = $cnf;
        $p = proc_open(array_merge(['openssl'], $args), [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['redirect', 1]], $pipes, null, $env);
        Assert::assertIsResource($p);
        fclose($pipes[0]);
        $out = stream_get_contents($pipes[1]);
        fclose($pipes[1]);
        return [proc_close($p), (string) $out];
    }

    public static function engineAvailable(): bool
    {
        [$code, $out] = self::openssl(['list', '-digest-algorithms']);
        return $code === 0 && stripos($out, 'streebog') !== false;
    }

    public static function b64urlDecode(string $s): string
    {
        $s = strtr($s, '-_', '+/');
        return (string) base64_decode(str_pad($s, (int) (ceil(\strlen($s) / 4) * 4), '='), true);
    }

    /** OpenSSL checks a detached CMS (DER) over $content. */
    public static function assertOpensslCmsVerifies(string $der, string $content, string $what): void
    {
        if (!self::engineAvailable()) {
            if (getenv('CI') === '1') {
                Assert::fail('openssl with the gost engine is required in CI');
            }
            Assert::markTestSkipped('openssl with the gost engine is not available');
        }
        $dir = self::tmpdir();
        file_put_contents("$dir/sig.der", $der);
        file_put_contents("$dir/content", $content);
        [$code, $out] = self::openssl(['cms', '-verify', '-binary', '-noverify', '-inform', 'DER',
            '-in', "$dir/sig.der", '-content', "$dir/content", '-out', '/dev/null']);
        Assert::assertSame(0, $code, "openssl cms -verify of $what: $out");
        Assert::assertStringContainsString('Verification successful', $out);
    }

    /** OpenSSL checks a raw s||r signature over $message under the certificate. */
    public static function assertOpensslRawVerifies(string $sig, string $message, string $certPath, string $what): void
    {
        if (!self::engineAvailable()) {
            if (getenv('CI') === '1') {
                Assert::fail('openssl with the gost engine is required in CI');
            }
            Assert::markTestSkipped('openssl with the gost engine is not available');
        }
        $dir = self::tmpdir();
        [$code, $pub] = self::openssl(['x509', '-in', $certPath, '-pubkey', '-noout']);
        Assert::assertSame(0, $code, $pub);
        file_put_contents("$dir/pub.pem", $pub);
        file_put_contents("$dir/sig", $sig);
        file_put_contents("$dir/msg", $message);
        $md = \strlen($sig) === 128 ? '-md_gost12_512' : '-md_gost12_256';
        [$code, $out] = self::openssl(['dgst', $md, '-verify', "$dir/pub.pem", '-signature', "$dir/sig", "$dir/msg"]);
        Assert::assertSame(0, $code, "openssl dgst -verify of $what: $out");
        Assert::assertStringContainsString('Verified OK', $out);
    }
}
