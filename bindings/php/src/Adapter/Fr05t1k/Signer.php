<?php

declare(strict_types=1);

namespace Gostcms\Adapter\Fr05t1k;

use Gostcms\Adapter\Support;
use Gostcms\Certificate;
use Gostcms\Gostcms;
use Gostcms\Key;

/**
 * fr05t1k/esia's signer, by gostcms: `$esia->setSigner(new Signer($g, KEY, CERT, PIN))`
 * in place of SignerPKCS7 / CliSignerPKCS7. sign() returns what SignerPKCS7
 * returns: a detached CMS SignedData (signed attributes contentType,
 * signingTime, messageDigest) over the message, URL-safe base64 without
 * padding. With $format = Signer::RAW it returns the raw GOST signature
 * (s||r) in the same encoding, as fr05t1k's CryptoProSigner does.
 */
final class Signer implements \Esia\Signer\SignerInterface
{
    public const CMS = 'cms';
    public const RAW = 'raw';

    private Key $key;
    private Certificate $cert;

    public function __construct(
        private Gostcms $g,
        string $keyPathOrBytes,
        string $certPathOrBytes,
        #[\SensitiveParameter] ?string $password = null,
        private string $format = self::CMS,
    ) {
        if ($format !== self::CMS && $format !== self::RAW) {
            throw new \InvalidArgumentException('format: Signer::CMS or Signer::RAW');
        }
        [$this->key, $this->cert] = Support::load($g, $keyPathOrBytes, $certPathOrBytes, $password);
    }

    public function sign(string $message): string
    {
        try {
            $bytes = $this->format === self::RAW
                ? $this->g->sign($this->key, $message)
                : $this->g->cmsSign($this->key, $this->cert, $message);
        } catch (\Throwable $e) {
            throw Support::wrap('Esia\Signer\Exceptions\SignFailException', $e, 'gostcms: ');
        }
        return Support::base64url($bytes);
    }
}
