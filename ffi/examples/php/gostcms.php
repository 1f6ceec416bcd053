<?php
// A thin PHP FFI binding of libgostcms (the gostcms C ABI). Needs php-cli
// with the FFI extension (Debian's php-cli has it; run with -d ffi.enable=1
// outside the CLI's default "preload" mode).

final class GostcmsException extends RuntimeException {}

final class Gostcms
{
    public const OK = 0;
    public const ERR_VERIFY_FAILED = 7;
    public const FLOW_AUTHORIZE = 0;
    public const FLOW_TOKEN = 1;
    public const FLOW_REFRESH = 2;
    public const FLOW_LEGACY_AUTHORIZE = 3;
    public const CMS_ATTACHED = 1;

    public FFI $ffi;

    /** $header: gostcms.h; PHP's C parser takes no preprocessor lines. */
    public function __construct(string $library, string $header)
    {
        $h = file_get_contents($header);
        $h = preg_replace('/#ifdef __cplusplus.*?#endif[^\n]*/s', '', $h);
        $h = preg_replace('/^\s*#.*$/m', '', $h);
        // PHP passes its strings only as char pointers; byte inputs are
        // `const uint8_t *` in C, the same ABI.
        $h = str_replace('const uint8_t *', 'const char *', $h);
        $this->ffi = FFI::cdef($h, $library);
    }

    public function version(): string
    {
        // const char * results arrive as PHP strings.
        return $this->ffi->gostcms_version();
    }

    public function check(int $status): void
    {
        if ($status !== self::OK) {
            throw new GostcmsException($this->ffi->gostcms_last_error(), $status);
        }
    }

    /** Copies a gostcms_buffer to a PHP string and frees it. */
    public function take(FFI\CData $buf): string
    {
        $s = $buf->len > 0 ? FFI::string($buf->data, $buf->len) : '';
        $this->ffi->gostcms_buffer_free(FFI::addr($buf));
        return $s;
    }

    private function handle(string $type): FFI\CData
    {
        return $this->ffi->new("$type*");
    }

    public function loadKey(string $pem, ?string $password = null): FFI\CData
    {
        $h = $this->handle('gostcms_key');
        $this->check($this->ffi->gostcms_key_load($pem, strlen($pem), $password, FFI::addr($h)));
        return $h;
    }

    public function loadCert(string $pem): FFI\CData
    {
        $h = $this->handle('gostcms_cert');
        $this->check($this->ffi->gostcms_cert_load($pem, strlen($pem), FFI::addr($h)));
        return $h;
    }

    public function signer(FFI\CData $key, FFI\CData $cert): FFI\CData
    {
        $h = $this->handle('gostcms_signer');
        $this->check($this->ffi->gostcms_signer_new($key, $cert, FFI::addr($h)));
        return $h;
    }

    public function publicKeyPem(FFI\CData $key): string
    {
        $buf = $this->ffi->new('gostcms_buffer');
        $this->check($this->ffi->gostcms_key_public_key_pem($key, FFI::addr($buf)));
        return $this->take($buf);
    }

    public function cmsSign(FFI\CData $signer, string $data, int $flags = 0, int $signingTime = 0): string
    {
        $buf = $this->ffi->new('gostcms_buffer');
        $this->check($this->ffi->gostcms_cms_sign($signer, $data, strlen($data), $flags, $signingTime, FFI::addr($buf)));
        return $this->take($buf);
    }

    /** @return array{0: bool, 1: array} valid, and the JSON report decoded. */
    public function cmsVerify(string $signature, ?string $content = null): array
    {
        $result = $this->handle('gostcms_verify_result');
        $status = $this->ffi->gostcms_cms_verify(
            $signature, strlen($signature), $content, $content === null ? 0 : strlen($content),
            null, 0, FFI::addr($result));
        if ($status !== self::OK && $status !== self::ERR_VERIFY_FAILED) {
            $this->check($status);
        }
        $buf = $this->ffi->new('gostcms_buffer');
        $this->check($this->ffi->gostcms_verify_result_json($result, FFI::addr($buf)));
        $report = json_decode($this->take($buf), true);
        $this->check($this->ffi->gostcms_verify_result_free($result));
        return [$status === self::OK, $report];
    }

    /** @return array<string, string> client_secret, state, timestamp, client_certificate_hash, signed_string */
    public function clientSecret(FFI\CData $signer, int $flow, string $clientId, string $scope,
        ?string $redirectUri = null, ?string $code = null, ?string $refreshToken = null,
        ?string $scopeOrg = null, ?string $state = null, ?string $timestamp = null, int $flags = 0): array
    {
        $out = $this->ffi->new('gostcms_client_secret');
        $this->check($this->ffi->gostcms_esia_client_secret($signer, $flow, $clientId, $scope,
            $scopeOrg, $redirectUri, $code, $refreshToken, $state, $timestamp, $flags, FFI::addr($out)));
        $result = [];
        foreach (['client_secret', 'state', 'timestamp', 'client_certificate_hash', 'signed_string'] as $f) {
            $result[$f] = FFI::string($out->$f->data, $out->$f->len);
        }
        $this->ffi->gostcms_client_secret_free(FFI::addr($out));
        return $result;
    }

    public function free(string $kind, FFI\CData $handle): void
    {
        $this->check($this->ffi->{"gostcms_{$kind}_free"}($handle));
    }
}
