<?php

declare(strict_types=1);

namespace Gostcms\Adapter\Ilimurzin;

use Gostcms\Adapter\Support;
use Gostcms\Gostcms;
use Gostcms\Key;

/**
 * ilimurzin/esia's signer, by gostcms: `new \Esia\Esia($config, new Signer($g, KEY, CERT, PIN))`
 * in place of OpenSSLSigner / CliCryptoProSigner. sign() returns what
 * OpenSSLSigner returns: the raw GOST R 34.10-2012 signature (s||r
 * big-endian, over Streebog-256 for a 256-bit key) of the message,
 * URL-safe base64 without padding. The certificate is loaded to check
 * it matches the key, and gives $g->certHash() for the config's
 * clientCertificateHash.
 */
final class Signer implements \Esia\Signer\SignerInterface
{
    private Key $key;

    public function __construct(
        private Gostcms $g,
        string $keyPathOrBytes,
        string $certPathOrBytes,
        #[\SensitiveParameter] ?string $password = null,
    ) {
        [$this->key, $cert] = Support::load($g, $keyPathOrBytes, $certPathOrBytes, $password);
        // A key and a certificate that do not belong together fail here, not at ESIA.
        $probe = 'gostcms: key and certificate check';
        if (!$g->verify($cert, $probe, $g->sign($this->key, $probe))) {
            throw new \Gostcms\Exception\FormatException('the certificate does not hold this key\'s public key');
        }
    }

    public function sign(string $message): string
    {
        try {
            return Support::base64url($this->g->sign($this->key, $message));
        } catch (\Throwable $e) {
            throw Support::wrap('Esia\Signer\Exceptions\SignException', $e, 'gostcms: ');
        }
    }
}
