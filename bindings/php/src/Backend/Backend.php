<?php

declare(strict_types=1);

namespace Gostcms\Backend;

use Gostcms\Certificate;
use Gostcms\Key;

/**
 * @internal What Gostcms asks of a back end; Gostcms normalises the
 * arguments first (certificates loaded, options checked).
 */
interface Backend
{
    public function name(): string;

    public function version(): string;

    public function loadKey(string $pathOrBytes, ?string $password): Key;

    public function loadCertificate(string $pathOrBytes): Certificate;

    public function sign(Key $key, string $message): string;

    public function verify(Certificate $cert, string $message, string $signature): bool;

    public function cmsSign(Key $key, Certificate $cert, string $content, bool $attached, bool $signedAttributes): string;

    /** @return array{valid: bool, signers: list<array{subject: ?string, valid: bool, reason: ?string}>} */
    public function cmsVerify(string $signature, ?string $content): array;

    /**
     * @param array{flow: string, client_id: string, scope: string, redirect_uri: ?string, code: ?string,
     *   refresh_token: ?string, scope_org: ?string, state: ?string, timestamp: ?string} $params
     * @return array{client_secret: string, state: string, timestamp: string, client_certificate_hash: string, signed_string: string}
     */
    public function clientSecret(Key $key, Certificate $cert, array $params): array;

    public function requestDataSign(Key $key, Certificate $cert, string $json): string;

    public function uuidSignature(Key $key, Certificate $cert, string $uuid, bool $attached): string;

    public function certHash(Certificate $cert): string;

    /** @return array{0: string, 1: string} verifier, challenge */
    public function pkce(string $method): array;

    public function hash(string $data, int $bits): string;

    /**
     * @param list<Certificate> $trust
     * @param array{client_id: ?string, issuers: ?list<string>, now: ?int, leeway: ?int} $options
     * @return array<string, mixed>
     */
    public function verifyJwt(string $token, array $trust, array $options): array;

    /** @param list<Certificate> $trust */
    public function verifyJwtSignature(string $signingInput, string $signature, string $alg, array $trust): bool;
}
