<?php

declare(strict_types=1);

namespace Gostcms\Backend;

/** @internal Tells a path from the bytes of a key or certificate. */
final class Source
{
    /**
     * True when $pathOrBytes names an existing file or folder. Key and
     * certificate bytes (PEM, DER, base64) are never taken for a path: they
     * hold a NUL or a newline, or name nothing that exists.
     */
    public static function isPath(string $pathOrBytes): bool
    {
        if ($pathOrBytes === '' || \strlen($pathOrBytes) > 4096 || strpbrk($pathOrBytes, "\0\n\r") !== false
            || str_starts_with($pathOrBytes, '-----BEGIN')) {
            return false;
        }
        return @file_exists($pathOrBytes);
    }
}
