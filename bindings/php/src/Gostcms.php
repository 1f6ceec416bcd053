<?php

declare(strict_types=1);

namespace Gostcms;

use Gostcms\Backend\Backend;
use Gostcms\Backend\CliBackend;
use Gostcms\Backend\FfiBackend;
use Gostcms\Exception\FormatException;

/**
 * GOST R 34.10-2012 signatures, CMS and ESIA (Gosuslugi) signing for PHP,
 * through libgostcms (FFI) or the gostcms command line: one API, two back
 * ends, the same answers.
 *
 * ```php
 * $g = Gostcms::ffi();                       // or Gostcms::cli('/usr/local/bin/gostcms')
 * $key = $g->loadKey('/etc/esia/key.pem');   // or a PFX / container folder with a PIN
 * $cert = $g->loadCertificate('/etc/esia/cert.pem');
 * $secret = $g->clientSecret($key, $cert, ['client_id' => 'MYSYSTEM', 'scope' => 'openid',
 *     'redirect_uri' => 'https://example.ru/esia/return']);
 * ```
 */
final class Gostcms
{
    private function __construct(private Backend $backend)
    {
    }

    /**
     * libgostcms through PHP's FFI. $library: the path of libgostcms.so;
     * null uses the scope opcache.preload registered (preload.php), else
     * "libgostcms.so" from the dynamic loader's path.
     */
    public static function ffi(?string $library = null): self
    {
        return new self(new FfiBackend($library));
    }

    /** The gostcms command line, run without a shell; data through pipes. */
    public static function cli(string $binary = 'gostcms'): self
    {
        return new self(new CliBackend($binary));
    }

    /** "ffi" or "cli". */
    public function backend(): string
    {
        return $this->backend->name();
    }

    /** The library's (or binary's) version. */
    public function version(): string
    {
        return $this->backend->version();
    }

    /**
     * A private key: a path (PKCS#8 PEM/DER, encrypted PKCS#8, PFX, or a
     * CryptoPro container folder) or the bytes of such a file, with its PIN
     * or password. WrongPasswordException for a wrong one, or none for a
     * protected key (isPasswordRequired()).
     */
    public function loadKey(string $pathOrBytes, #[\SensitiveParameter] ?string $password = null): Key
    {
        return $this->backend->loadKey($pathOrBytes, $password);
    }

    /** A certificate: a path, or PEM / DER / base64 bytes. */
    public function loadCertificate(string $pathOrBytes): Certificate
    {
        return $this->backend->loadCertificate($pathOrBytes);
    }

    /** Raw GOST R 34.10-2012 signature of $message (Streebog of the key's size): s||r big-endian. */
    public function sign(Key $key, string $message): string
    {
        return $this->backend->sign($key, $message);
    }

    /**
     * Raw signatures of many messages; through FFI one call (one shared
     * inversion per chunk), through the CLI one process each.
     *
     * @param list<string> $messages
     * @return list<string>
     */
    public function signBatch(Key $key, array $messages): array
    {
        if ($this->backend instanceof FfiBackend) {
            return $this->backend->signBatch($key, array_values($messages));
        }
        return array_map(fn (string $m) => $this->backend->sign($key, $m), array_values($messages));
    }

    /** Does the raw signature (s||r) of $message verify under the certificate's key? */
    public function verify(Certificate $cert, string $message, string $signature): bool
    {
        return $this->backend->verify($cert, $message, $signature);
    }

    /** As verify(), but throws InvalidSignatureException when the signature does not verify. */
    public function checkSignature(Certificate $cert, string $message, string $signature): void
    {
        if (!$this->backend->verify($cert, $message, $signature)) {
            throw new Exception\InvalidSignatureException('the raw signature does not verify under the key of ' . ($cert->subject() ?: 'the certificate'));
        }
    }

    /**
     * As cmsVerify(), but throws InvalidSignatureException (with the first
     * failing signer's reason) unless every signer verified.
     *
     * @return array{valid: bool, signers: list<array{subject: ?string, valid: bool, reason: ?string,
     *   curve: ?string, signing_time: ?int}>}
     */
    public function checkCms(string $signature, ?string $content = null): array
    {
        $report = $this->backend->cmsVerify($signature, $content);
        if (!$report['valid']) {
            $reasons = array_filter(array_map(fn ($s) => $s['reason'], $report['signers']));
            throw new Exception\InvalidSignatureException('the CMS signature does not verify: ' . ($reasons ? reset($reasons) : 'no signer'));
        }
        return $report;
    }

    /**
     * CMS SignedData (DER), detached unless $attached; signed attributes
     * contentType, signingTime, messageDigest unless $signedAttributes is false.
     */
    public function cmsSign(Key $key, Certificate $cert, string $content, bool $attached = false, bool $signedAttributes = true): string
    {
        return $this->backend->cmsSign($key, $cert, $content, $attached, $signedAttributes);
    }

    /**
     * Verifies a CMS SignedData (DER, BER, PEM, base64 or base64url); never
     * throws for a signature that does not verify, only for unreadable
     * input (FormatException). The embedded certificate's key is used; the
     * certificate itself is not checked.
     *
     * @return array{valid: bool, signers: list<array{subject: ?string, valid: bool, reason: ?string,
     *   curve: ?string, signing_time: ?int}>}
     */
    public function cmsVerify(string $signature, ?string $content = null): array
    {
        return $this->backend->cmsVerify($signature, $content);
    }

    /**
     * An ESIA client_secret. $params: client_id, scope (required),
     * redirect_uri, flow ("v2/ac" default, "v3/te", "refresh", "ac", "te",
     * "client-credentials"), code, refresh_token, scope_org, state,
     * timestamp ("yyyy.MM.dd HH:mm:ss +hhmm").
     *
     * @param array<string, string|null> $params
     * @return array{client_secret: string, state: string, timestamp: string, client_certificate_hash: string, signed_string: string}
     */
    public function clientSecret(Key $key, Certificate $cert, array $params): array
    {
        $known = ['client_id', 'scope', 'redirect_uri', 'flow', 'code', 'refresh_token', 'scope_org', 'state', 'timestamp'];
        if ($unknown = array_diff(array_keys($params), $known)) {
            throw new FormatException('clientSecret: unknown parameter ' . implode(', ', $unknown)
                . ' (known: ' . implode(', ', $known) . ')');
        }
        foreach (['client_id', 'scope'] as $required) {
            if (!isset($params[$required]) || !\is_string($params[$required])) {
                throw new FormatException("clientSecret: $required is required");
            }
        }
        $flow = $params['flow'] ?? 'v2/ac';
        if (!isset(FfiBackend::FLOWS[$flow])) {
            throw new FormatException("clientSecret: flow \"$flow\" is not one of " . implode(', ', array_keys(FfiBackend::FLOWS)));
        }
        $p = ['flow' => $flow];
        foreach ($known as $name) {
            if ($name !== 'flow') {
                $value = $params[$name] ?? null;
                if ($value !== null && !\is_string($value)) {
                    throw new FormatException("clientSecret: $name must be a string");
                }
                $p[$name] = $value;
            }
        }
        return $this->backend->clientSecret($key, $cert, $p);
    }

    /** The Request-Data-Sign header for a JSON body: base64url of a detached CMS over exactly these bytes. */
    public function requestDataSign(Key $key, Certificate $cert, string $json): string
    {
        return $this->backend->requestDataSign($key, $cert, $json);
    }

    /** The identification-key (UUID) signature: CMS over the UUID text, base64url. */
    public function uuidSignature(Key $key, Certificate $cert, string $uuid, bool $attached = false): string
    {
        return $this->backend->uuidSignature($key, $cert, $uuid, $attached);
    }

    /** ESIA's client_certificate_hash: upper-case hex Streebog-256 of the certificate's DER. */
    public function certHash(Certificate $cert): string
    {
        return $this->backend->certHash($cert);
    }

    /**
     * PKCE: a new code_verifier and its code_challenge. $method: GOST3411
     * (Streebog-256), GOST3411-512 or S256.
     *
     * @return array{0: string, 1: string} [verifier, challenge]
     */
    public function pkce(string $method = 'GOST3411'): array
    {
        return $this->backend->pkce($method);
    }

    /** Streebog digest (raw bytes) of $data; $bits 256 or 512. */
    public function hash(string $data, int $bits = 256): string
    {
        if ($bits !== 256 && $bits !== 512) {
            throw new FormatException("hash: bits must be 256 or 512, not $bits");
        }
        return $this->backend->hash($data, $bits);
    }

    /**
     * Verifies a token ESIA issued: signature (GOST or RS256) under one of
     * the trusted certificates, exp / nbf / iat, issuer, audience. Returns
     * the claims; JwtException says why a token is rejected.
     * $options: client_id (checks the audience), issuers (list; default
     * ESIA production's), now (Unix seconds), leeway (seconds, default 60).
     *
     * @param list<Certificate|string> $trustedCertificates Certificates, paths or bytes
     * @param array{client_id?: ?string, issuers?: ?list<string>, now?: ?int, leeway?: ?int} $options
     * @return array<string, mixed>
     */
    public function verifyJwt(string $token, array $trustedCertificates, array $options = []): array
    {
        $known = ['client_id', 'issuers', 'now', 'leeway'];
        if ($unknown = array_diff(array_keys($options), $known)) {
            throw new FormatException('verifyJwt: unknown option ' . implode(', ', $unknown) . ' (known: ' . implode(', ', $known) . ')');
        }
        if (isset($options['issuers']) && (!\is_array($options['issuers']) || $options['issuers'] === [])) {
            throw new FormatException('verifyJwt: issuers must be a non-empty list of strings');
        }
        return $this->backend->verifyJwt($token, $this->certificates($trustedCertificates), $options);
    }

    /**
     * Checks only a JWT's signature (for libraries that check the claims
     * themselves): $signature (raw, base64url-decoded) over $signingInput
     * ("HEADER.PAYLOAD") for the header's $alg, under one of the certificates.
     *
     * @param list<Certificate|string> $trustedCertificates
     */
    public function verifyJwtSignature(string $signingInput, string $signature, string $alg, array $trustedCertificates): bool
    {
        return $this->backend->verifyJwtSignature($signingInput, $signature, $alg, $this->certificates($trustedCertificates));
    }

    /**
     * @param list<Certificate|string> $certs
     * @return list<Certificate>
     */
    public function certificates(array $certs): array
    {
        if ($certs === []) {
            throw new FormatException('no trusted certificate given');
        }
        return array_values(array_map(
            fn ($c) => $c instanceof Certificate ? $c : $this->loadCertificate((string) $c),
            $certs
        ));
    }
}
