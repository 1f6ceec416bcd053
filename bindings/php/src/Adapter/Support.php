<?php

declare(strict_types=1);

namespace Gostcms\Adapter;

use Gostcms\Certificate;
use Gostcms\Gostcms;
use Gostcms\Key;

/** @internal What the adapters share. */
final class Support
{
    /** URL-safe base64 without padding (RFC 4648 §5), what ESIA's examples use. */
    public static function base64url(string $bytes): string
    {
        return rtrim(strtr(base64_encode($bytes), '+/', '-_'), '=');
    }

    /**
     * The library's own exception class when it is loaded, else $e itself:
     * callers catching the library's exceptions keep working.
     */
    public static function wrap(string $class, \Throwable $e, string $prefix): \Throwable
    {
        if (class_exists($class)) {
            return new $class($prefix . $e->getMessage(), (int) $e->getCode(), $e);
        }
        return $e;
    }

    /** @return array{0: Key, 1: Certificate} */
    public static function load(Gostcms $g, string $key, string $cert, ?string $password): array
    {
        return [$g->loadKey($key, $password), $g->loadCertificate($cert)];
    }
}
