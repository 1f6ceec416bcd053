<?php

declare(strict_types=1);

namespace Gostcms\Adapter\Ekapusta;

use Gostcms\Certificate;
use Gostcms\Gostcms;
use Lcobucci\JWT\Signer\Key;

/**
 * ekapusta/oauth2-esia's "remoteSigner" (a lcobucci/jwt Signer), by
 * gostcms: pass `'remoteSigner' => new SignatureVerifier($g, [ESIA_CERT])`
 * in place of OpenSslCliJwtSigner. verify() checks the token's signature
 * under the trusted certificates given here (the provider's
 * remotePublicKey file is still read by the provider, but not used for
 * the check). It verifies only; sign() refuses.
 */
final class SignatureVerifier implements \Lcobucci\JWT\Signer
{
    /** @var list<Certificate> */
    private array $trusted;

    /** @param list<string|Certificate> $trustedCertificatePathsOrBytes */
    public function __construct(
        private Gostcms $g,
        array $trustedCertificatePathsOrBytes,
        private string $algorithmId = 'GOST3410_2012_256',
    ) {
        $this->trusted = $g->certificates($trustedCertificatePathsOrBytes);
    }

    public function algorithmId(): string
    {
        return $this->algorithmId;
    }

    public function sign(string $payload, Key $key): string
    {
        throw new \LogicException('Gostcms\Adapter\Ekapusta\SignatureVerifier only verifies ESIA tokens');
    }

    public function verify(string $expected, string $payload, Key $key): bool
    {
        try {
            return $this->g->verifyJwtSignature($payload, $expected, $this->algorithmId, $this->trusted);
        } catch (\Gostcms\Exception\GostcmsException) {
            return false;
        }
    }
}
