<?php

declare(strict_types=1);

namespace Gostcms\Adapter\Ekapusta;

use Gostcms\Adapter\Support;
use Gostcms\Certificate;
use Gostcms\Gostcms;
use Gostcms\Key;

/**
 * ekapusta/oauth2-esia's signer, by gostcms: pass `'signer' => new Signer($g, KEY, CERT, PIN)`
 * to EsiaProvider in place of OpensslPkcs7 / OpensslCli. sign() returns
 * what those return: the DER bytes of a detached CMS SignedData without
 * signed attributes (the provider base64url-encodes it into client_secret).
 */
final class Signer implements \Ekapusta\OAuth2Esia\Interfaces\Security\SignerInterface
{
    private Key $key;
    private Certificate $cert;

    public function __construct(
        private Gostcms $g,
        string $keyPathOrBytes,
        string $certPathOrBytes,
        #[\SensitiveParameter] ?string $password = null,
        private bool $signedAttributes = false,
    ) {
        [$this->key, $this->cert] = Support::load($g, $keyPathOrBytes, $certPathOrBytes, $password);
    }

    /**
     * @param string $message
     *
     * @return string
     */
    public function sign($message)
    {
        try {
            return $this->g->cmsSign($this->key, $this->cert, (string) $message, false, $this->signedAttributes);
        } catch (\Throwable $e) {
            throw Support::wrap('Ekapusta\OAuth2Esia\Security\Signer\Exception\SignException', $e, 'Sign failed as of: ');
        }
    }
}
