<?php

declare(strict_types=1);

namespace Gostcms;

/**
 * An X.509 certificate loaded by Gostcms::loadCertificate(). Public data,
 * but held like a Key (outside the properties) so it prints compactly.
 */
final class Certificate
{
    /** @var \WeakMap<Certificate, object>|null */
    private static ?\WeakMap $handles = null;

    /** @internal Made by a back end; use Gostcms::loadCertificate(). */
    public function __construct(private string $backend, private string $der, private string $subject, object $handle)
    {
        self::$handles ??= new \WeakMap();
        self::$handles[$this] = $handle;
    }

    /** The certificate's DER bytes. */
    public function der(): string
    {
        return $this->der;
    }

    /** The certificate in PEM. */
    public function pem(): string
    {
        return "-----BEGIN CERTIFICATE-----\n" . chunk_split(base64_encode($this->der), 64, "\n") . "-----END CERTIFICATE-----\n";
    }

    /** The subject name, RFC 4514 text. */
    public function subject(): string
    {
        return $this->subject;
    }

    /** @internal The back end's handle. */
    public function handle(string $backend): object
    {
        if ($backend !== $this->backend || self::$handles === null || !isset(self::$handles[$this])) {
            throw new Exception\GostcmsException("this Certificate was loaded by the {$this->backend} back end, not $backend");
        }
        return self::$handles[$this];
    }

    /** @return array<string, string> */
    public function __debugInfo(): array
    {
        return ['backend' => $this->backend, 'subject' => $this->subject, 'der_length' => (string) strlen($this->der)];
    }

    public function __clone()
    {
        throw new \LogicException('a Gostcms\Certificate cannot be cloned');
    }

    public function __destruct()
    {
        if (self::$handles !== null && isset(self::$handles[$this])) {
            $handle = self::$handles[$this];
            unset(self::$handles[$this]);
            if ($handle instanceof Backend\Releasable) {
                $handle->release();
            }
        }
    }
}
