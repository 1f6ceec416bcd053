<?php

declare(strict_types=1);

namespace Gostcms\Backend;

use FFI;
use FFI\CData;
use Gostcms\Certificate;
use Gostcms\Exception\FormatException;
use Gostcms\Exception\GostcmsException;
use Gostcms\Exception\InvalidSignatureException;
use Gostcms\Exception\JwtException;
use Gostcms\Exception\WrongPasswordException;
use Gostcms\Key;

/**
 * @internal libgostcms through PHP's FFI. Uses the "gostcms" scope that
 * preload.php registers (opcache.preload, ffi.enable=preload) when no
 * library path is given and it exists; otherwise FFI::cdef() over
 * gostcms.ffi.h (ffi.enable=true, or the CLI).
 */
final class FfiBackend implements Backend
{
    // gostcms_status (ffi/src/error.rs); tests check these against the header.
    public const OK = 0;
    public const ERR_NULL_ARGUMENT = 1;
    public const ERR_INVALID_ARGUMENT = 2;
    public const ERR_BAD_HANDLE = 3;
    public const ERR_PARSE = 4;
    public const ERR_UNSUPPORTED = 5;
    public const ERR_KEY = 6;
    public const ERR_VERIFY_FAILED = 7;
    public const ERR_JWT_REJECTED = 8;
    public const ERR_MISSING_PARAMETER = 9;
    public const ERR_RNG = 10;
    public const ERR_PANIC = 11;
    public const ERR_IO = 12;
    public const ERR_WRONG_PASSWORD = 13;
    public const ERR_PASSWORD_REQUIRED = 14;
    // Flags and enums (#defines in gostcms.h).
    public const CMS_ATTACHED = 1;
    public const CMS_NO_ATTRIBUTES = 2;
    public const OUT_BASE64URL = 128;
    public const UUID_ATTACHED = 1;
    public const HASH_STREEBOG256 = 0;
    public const HASH_STREEBOG512 = 1;
    public const FLOWS = [
        'v2/ac' => 0,
        'v3/te' => 1,
        'refresh' => 2,
        'ac' => 3,
        'te' => 4,
        'client-credentials' => 5,
    ];

    /** Where gostcms.ffi.h is (the package root). */
    public static function headerPath(): string
    {
        return \dirname(__DIR__, 2) . '/gostcms.ffi.h';
    }

    /** gostcms.ffi.h without its preprocessor lines, for FFI::cdef(). */
    public static function cdefText(): string
    {
        $h = file_get_contents(self::headerPath());
        if ($h === false) {
            throw new GostcmsException('cannot read ' . self::headerPath());
        }
        return preg_replace('/^#.*$/m', '', $h);
    }

    private FFI $ffi;

    /** @var array<string, FFI> */
    private static array $instances = [];

    public function __construct(?string $library = null)
    {
        if (!\extension_loaded('ffi')) {
            throw new GostcmsException('the FFI extension is not loaded (php-ffi; see docs/php.md), use Gostcms::cli() instead');
        }
        try {
            if ($library === null) {
                try {
                    $this->ffi = FFI::scope('gostcms');
                    return;
                } catch (FFI\Exception) {
                    // Not preloaded: load it here.
                }
            }
            // One FFI instance per library for the whole process: parsing the
            // declarations once, and never unloading the library while
            // handles made through another instance are alive.
            $lib = $library ?? 'libgostcms.so';
            $this->ffi = self::$instances[$lib] ??= FFI::cdef(self::cdefText(), $lib);
        } catch (FFI\Exception $e) {
            throw new GostcmsException('cannot load libgostcms through FFI: ' . $e->getMessage()
                . ' (is ffi.enable on, and the library path right? see docs/php.md)', 0, $e);
        }
    }

    public function name(): string
    {
        return 'ffi';
    }

    public function version(): string
    {
        return $this->ffi->gostcms_version();
    }

    /** The raw FFI object, for what this API does not wrap. */
    public function ffi(): FFI
    {
        return $this->ffi;
    }

    private function check(int $status): void
    {
        if ($status === self::OK) {
            return;
        }
        throw self::exception($status, (string) $this->ffi->gostcms_last_error());
    }

    private static function exception(int $status, string $message): GostcmsException
    {
        return match ($status) {
            self::ERR_WRONG_PASSWORD => new WrongPasswordException($message, $status, false),
            self::ERR_PASSWORD_REQUIRED => new WrongPasswordException($message, $status, true),
            self::ERR_VERIFY_FAILED => new InvalidSignatureException($message, $status),
            self::ERR_JWT_REJECTED => new JwtException($message, $status),
            self::ERR_INVALID_ARGUMENT, self::ERR_PARSE, self::ERR_UNSUPPORTED,
            self::ERR_MISSING_PARAMETER, self::ERR_IO => new FormatException($message, $status),
            default => new GostcmsException($message, $status),
        };
    }

    private function buffer(): CData
    {
        return $this->ffi->new('gostcms_buffer');
    }

    /** Copies a buffer to a PHP string and frees (zeroizes) it. */
    private function take(CData $buf): string
    {
        $s = $buf->len > 0 ? FFI::string($buf->data, $buf->len) : '';
        $this->ffi->gostcms_buffer_free(FFI::addr($buf));
        return $s;
    }

    /** @param callable(CData): int $call a call writing one buffer */
    private function bytes(callable $call): string
    {
        $buf = $this->buffer();
        $this->check($call(FFI::addr($buf)));
        return $this->take($buf);
    }

    private function keyHandle(Key $key): CData
    {
        $h = $key->secret('ffi');
        \assert($h instanceof FfiHandle && $h->ptr !== null);
        return $h->ptr;
    }

    private function certHandle(Certificate $cert): CData
    {
        $h = $cert->handle('ffi');
        \assert($h instanceof FfiHandle && $h->ptr !== null);
        return $h->ptr;
    }

    private function signer(Key $key, Certificate $cert): FfiHandle
    {
        $out = $this->ffi->new('gostcms_signer*');
        $this->check($this->ffi->gostcms_signer_new($this->keyHandle($key), $this->certHandle($cert), FFI::addr($out)));
        return new FfiHandle($this->ffi, $out, 'gostcms_signer_free');
    }

    /** @param list<Certificate> $certs */
    private function trust(array $certs): FfiHandle
    {
        $n = \count($certs);
        $arr = $this->ffi->new('gostcms_cert*[' . max($n, 1) . ']');
        foreach ($certs as $i => $c) {
            $arr[$i] = $this->certHandle($c);
        }
        $out = $this->ffi->new('gostcms_trust*');
        $this->check($this->ffi->gostcms_trust_new($n > 0 ? $arr : null, $n, FFI::addr($out)));
        return new FfiHandle($this->ffi, $out, 'gostcms_trust_free');
    }

    public function loadKey(string $pathOrBytes, ?string $password): Key
    {
        if ($password !== null && str_contains($password, "\0")) {
            throw new FormatException('password: a NUL byte cannot be passed to the C library');
        }
        $out = $this->ffi->new('gostcms_key*');
        if (Source::isPath($pathOrBytes)) {
            $status = $this->ffi->gostcms_key_open($pathOrBytes, $password, FFI::addr($out));
        } else {
            $status = $this->ffi->gostcms_key_load($pathOrBytes, \strlen($pathOrBytes), $password, FFI::addr($out));
        }
        $this->check($status);
        $handle = new FfiHandle($this->ffi, $out, 'gostcms_key_free');
        $curve = $this->bytes(fn (CData $b) => $this->ffi->gostcms_key_curve($out, $b));
        return new Key('ffi', $curve, $handle);
    }

    public function loadCertificate(string $pathOrBytes): Certificate
    {
        $out = $this->ffi->new('gostcms_cert*');
        if (Source::isPath($pathOrBytes)) {
            $status = $this->ffi->gostcms_cert_open($pathOrBytes, FFI::addr($out));
        } else {
            $status = $this->ffi->gostcms_cert_load($pathOrBytes, \strlen($pathOrBytes), FFI::addr($out));
        }
        $this->check($status);
        $handle = new FfiHandle($this->ffi, $out, 'gostcms_cert_free');
        $der = $this->bytes(fn (CData $b) => $this->ffi->gostcms_cert_der($out, $b));
        $subject = $this->bytes(fn (CData $b) => $this->ffi->gostcms_cert_subject($out, $b));
        return new Certificate('ffi', $der, $subject, $handle);
    }

    public function sign(Key $key, string $message): string
    {
        $k = $this->keyHandle($key);
        return $this->bytes(fn (CData $b) => $this->ffi->gostcms_raw_sign($k, $message, \strlen($message), 0, $b));
    }

    /**
     * Signs many messages in one call (one shared inversion per chunk).
     *
     * @param list<string> $messages
     * @return list<string>
     */
    public function signBatch(Key $key, array $messages): array
    {
        $n = \count($messages);
        if ($n === 0) {
            return [];
        }
        $ptrs = $this->ffi->new("const char*[$n]");
        $lens = $this->ffi->new("size_t[$n]");
        $keep = [];
        foreach (array_values($messages) as $i => $m) {
            $len = \strlen($m);
            $c = $this->ffi->new('char[' . max($len, 1) . ']');
            FFI::memcpy($c, $m, $len);
            $keep[] = $c;
            $ptrs[$i] = $this->ffi->cast('const char*', FFI::addr($c[0]));
            $lens[$i] = $len;
        }
        $k = $this->keyHandle($key);
        $all = $this->bytes(fn (CData $b) => $this->ffi->gostcms_raw_sign_batch($k, $ptrs, $lens, $n, 0, $b));
        return str_split($all, intdiv(\strlen($all), $n));
    }

    public function verify(Certificate $cert, string $message, string $signature): bool
    {
        $status = $this->ffi->gostcms_raw_verify($this->certHandle($cert), $message, \strlen($message),
            $signature, \strlen($signature), 0);
        if ($status === self::ERR_VERIFY_FAILED) {
            return false;
        }
        $this->check($status);
        return true;
    }

    public function cmsSign(Key $key, Certificate $cert, string $content, bool $attached, bool $signedAttributes): string
    {
        $signer = $this->signer($key, $cert);
        $flags = ($attached ? self::CMS_ATTACHED : 0) | ($signedAttributes ? 0 : self::CMS_NO_ATTRIBUTES);
        return $this->bytes(fn (CData $b) => $this->ffi->gostcms_cms_sign($signer->ptr, $content, \strlen($content), $flags, 0, $b));
    }

    public function cmsVerify(string $signature, ?string $content): array
    {
        $result = $this->ffi->new('gostcms_verify_result*');
        $status = $this->ffi->gostcms_cms_verify($signature, \strlen($signature), $content,
            $content === null ? 0 : \strlen($content), null, 0, FFI::addr($result));
        if ($status !== self::OK && $status !== self::ERR_VERIFY_FAILED) {
            $this->check($status);
        }
        $handle = new FfiHandle($this->ffi, $result, 'gostcms_verify_result_free');
        $json = $this->bytes(fn (CData $b) => $this->ffi->gostcms_verify_result_json($handle->ptr, $b));
        $handle->release();
        $report = json_decode($json, true, 16, JSON_THROW_ON_ERROR);
        $signers = [];
        foreach ($report['signers'] as $s) {
            $valid = (bool) $s['valid'];
            $signers[] = [
                'subject' => $s['subject'],
                'valid' => $valid,
                'reason' => $valid ? null : (string) $s['error'],
                'curve' => $valid ? $s['curve'] : null,
                'signing_time' => $valid ? $s['signing_time'] : null,
            ];
        }
        return ['valid' => $status === self::OK, 'signers' => $signers];
    }

    public function clientSecret(Key $key, Certificate $cert, array $params): array
    {
        $signer = $this->signer($key, $cert);
        $out = $this->ffi->new('gostcms_client_secret');
        $status = $this->ffi->gostcms_esia_client_secret($signer->ptr, self::FLOWS[$params['flow']],
            $params['client_id'], $params['scope'], $params['scope_org'], $params['redirect_uri'],
            $params['code'], $params['refresh_token'], $params['state'], $params['timestamp'], 0, FFI::addr($out));
        $this->check($status);
        $result = [];
        foreach (['client_secret', 'state', 'timestamp', 'client_certificate_hash', 'signed_string'] as $f) {
            $result[$f] = FFI::string($out->$f->data, $out->$f->len);
        }
        $this->ffi->gostcms_client_secret_free(FFI::addr($out));
        return $result;
    }

    public function requestDataSign(Key $key, Certificate $cert, string $json): string
    {
        $signer = $this->signer($key, $cert);
        $data = $this->buffer();
        $sign = $this->buffer();
        $this->check($this->ffi->gostcms_esia_request_data_sign($signer->ptr, $json, \strlen($json),
            FFI::addr($data), FFI::addr($sign)));
        $this->take($data);
        return $this->take($sign);
    }

    public function uuidSignature(Key $key, Certificate $cert, string $uuid, bool $attached): string
    {
        $signer = $this->signer($key, $cert);
        $flags = $attached ? self::UUID_ATTACHED : 0;
        return $this->bytes(fn (CData $b) => $this->ffi->gostcms_esia_sign_uuid($signer->ptr, $uuid, $flags, 0, $b));
    }

    public function certHash(Certificate $cert): string
    {
        $c = $this->certHandle($cert);
        return $this->bytes(fn (CData $b) => $this->ffi->gostcms_cert_hash($c, $b));
    }

    public function pkce(string $method): array
    {
        $verifier = $this->buffer();
        $challenge = $this->buffer();
        $this->check($this->ffi->gostcms_pkce($method, FFI::addr($verifier), FFI::addr($challenge)));
        return [$this->take($verifier), $this->take($challenge)];
    }

    public function hash(string $data, int $bits): string
    {
        $alg = $bits === 512 ? self::HASH_STREEBOG512 : self::HASH_STREEBOG256;
        return $this->bytes(fn (CData $b) => $this->ffi->gostcms_hash($alg, $data, \strlen($data), $b));
    }

    public function verifyJwt(string $token, array $trust, array $options): array
    {
        $set = $this->trust($trust);
        $issuers = $options['issuers'] ?? [null];
        $first = null;
        foreach ($issuers as $issuer) {
            $buf = $this->buffer();
            $status = $this->ffi->gostcms_jwt_verify($set->ptr, $token, $options['client_id'] ?? null, $issuer,
                $options['leeway'] ?? -1, $options['now'] ?? 0, FFI::addr($buf));
            if ($status === self::OK) {
                return self::claims($this->take($buf));
            }
            $first ??= self::exception($status, (string) $this->ffi->gostcms_last_error());
        }
        throw $first;
    }

    /** @return array<string, mixed> */
    private static function claims(string $json): array
    {
        try {
            $claims = json_decode($json, true, 64, JSON_THROW_ON_ERROR);
        } catch (\JsonException $e) {
            throw new JwtException('claims are not JSON: ' . $e->getMessage(), 0, $e);
        }
        if (!\is_array($claims)) {
            throw new JwtException('claims are not a JSON object');
        }
        return $claims;
    }

    public function verifyJwtSignature(string $signingInput, string $signature, string $alg, array $trust): bool
    {
        $set = $this->trust($trust);
        $status = $this->ffi->gostcms_jwt_verify_signature($set->ptr, $alg, $signingInput, \strlen($signingInput),
            $signature, \strlen($signature));
        if ($status === self::ERR_JWT_REJECTED) {
            return false;
        }
        $this->check($status);
        return true;
    }
}
