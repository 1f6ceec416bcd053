<?php

declare(strict_types=1);

namespace Gostcms\Adapter\Fr05t1k;

use Gostcms\Certificate;
use Gostcms\Gostcms;

/**
 * fr05t1k/esia's JWT signature check, by gostcms (no OpenSSL gost engine):
 * GOST3410_2012_256, GOST3410_2012_512 and RS256 under any of the trusted
 * certificates (ESIA rotates its certificate: give the current and the
 * next). Claims are checked by fr05t1k's JwtValidator, as before.
 */
final class SignatureVerifier implements \Esia\Token\SignatureVerifierInterface
{
    /** @var list<Certificate> */
    private array $trusted;

    /** @param list<string|Certificate> $trustedCertificatePathsOrBytes */
    public function __construct(private Gostcms $g, array $trustedCertificatePathsOrBytes)
    {
        $this->trusted = $g->certificates($trustedCertificatePathsOrBytes);
    }

    public function verify(string $signingInput, string $signature, string $algorithm): void
    {
        try {
            $ok = $this->g->verifyJwtSignature($signingInput, $signature, $algorithm, $this->trusted);
        } catch (\Throwable $e) {
            throw self::invalid('JWT signature not checked: ' . $e->getMessage(), $e);
        }
        if (!$ok) {
            throw self::invalid("JWT signature verification failed ($algorithm, gostcms)");
        }
    }

    private static function invalid(string $message, ?\Throwable $previous = null): \Throwable
    {
        $class = 'Esia\Exceptions\SignatureInvalidException';
        if (class_exists($class)) {
            return new $class($message, 0, $previous);
        }
        return new \Gostcms\Exception\InvalidSignatureException($message, 0, $previous);
    }
}
