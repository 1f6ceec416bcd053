<?php

declare(strict_types=1);

namespace Gostcms\Tests;

use Gostcms\Adapter\Ekapusta;
use Gostcms\Adapter\Fr05t1k;
use Gostcms\Adapter\Ilimurzin;
use Gostcms\Gostcms;
use PHPUnit\Framework\TestCase;

require_once __DIR__ . '/stubs/fr05t1k/stubs.php';
require_once __DIR__ . '/stubs/ilimurzin/stubs.php';
require_once __DIR__ . '/stubs/ekapusta/stubs.php';

/**
 * Each adapter against its library's interface (tests/stubs): it signs
 * what the library would send, in the library's encoding, and OpenSSL's
 * gost engine verifies it; the verifiers accept ESIA-style tokens and
 * refuse altered ones.
 */
final class AdaptersTest extends TestCase
{
    /** What fr05t1k/esia signs for a client_secret (legacy order: scope timestamp client_id state). */
    private const SECRET_STRING = 'openid fullname2021.11.10 12:28:46 +0300TESTAPPLICATIONbbf0aef5-5237-41bc-8cba-291e29a3ade8';
    private const REQUEST_JSON = '{"firstName":"Иван","lastName":"Иванов","snils":"000-000-600 06","mobile":"+7(900)0000000"}';

    public static function backends(): array
    {
        return Env::backends();
    }

    private static function key(): string
    {
        return Env::vector('cms/sender256_key.pem');
    }

    private static function cert(): string
    {
        return Env::vector('cms/sender256_cert.pem');
    }

    private static function assertBase64url(string $s): void
    {
        self::assertMatchesRegularExpression('/^[A-Za-z0-9_-]+$/', $s, 'URL-safe base64 without padding');
    }

    /** @dataProvider backends */
    public function testFr05t1kSigner(Gostcms $g): void
    {
        $signer = new Fr05t1k\Signer($g, self::key(), self::cert());
        self::assertInstanceOf(\Esia\Signer\SignerInterface::class, $signer);
        foreach (['client_secret' => self::SECRET_STRING, 'Request-Data-Sign' => self::REQUEST_JSON] as $what => $message) {
            $out = $signer->sign($message);
            self::assertBase64url($out);
            Env::assertOpensslCmsVerifies(Env::b64urlDecode($out), $message, "fr05t1k $what");
        }
        // Signer::RAW: what fr05t1k's CryptoProSigner returns (raw s||r, base64url).
        $raw = (new Fr05t1k\Signer($g, self::key(), self::cert(), null, Fr05t1k\Signer::RAW))->sign(self::SECRET_STRING);
        self::assertBase64url($raw);
        Env::assertOpensslRawVerifies(Env::b64urlDecode($raw), self::SECRET_STRING, self::cert(), 'fr05t1k RAW');
        // A container with its PIN, as in production.
        $dir = Env::vector('cryptopro/ilimurzin-esia');
        $c = new Fr05t1k\Signer($g, "$dir/otvconba.000", "$dir/otvconba.cer", '1xqoyc4e');
        Env::assertOpensslCmsVerifies(Env::b64urlDecode($c->sign(self::SECRET_STRING)), self::SECRET_STRING, 'fr05t1k container');
    }

    /** @dataProvider backends */
    public function testIlimurzinSigner(Gostcms $g): void
    {
        $signer = new Ilimurzin\Signer($g, self::key(), self::cert());
        self::assertInstanceOf(\Esia\Signer\SignerInterface::class, $signer);
        // ilimurzin/esia signs the v2 string: client_id scope scope_org timestamp state redirect_uri.
        $message = 'TESTAPPLICATIONopenid2021.11.10 12:28:46 +0300bbf0aef5-5237-41bc-8cba-291e29a3ade8https://test.application.ru/auth/api/v1/esia/return';
        $out = $signer->sign($message);
        self::assertBase64url($out);
        self::assertSame(86, \strlen($out), '64 bytes, unpadded');
        Env::assertOpensslRawVerifies(Env::b64urlDecode($out), $message, self::cert(), 'ilimurzin client_secret');
        $rds = $signer->sign(self::REQUEST_JSON);
        Env::assertOpensslRawVerifies(Env::b64urlDecode($rds), self::REQUEST_JSON, self::cert(), 'ilimurzin raw over JSON');
        try {
            new Ilimurzin\Signer($g, Env::vector('cms/sender512_key.pem'), self::cert());
            self::fail('a key with another certificate was accepted');
        } catch (\Gostcms\Exception\GostcmsException) {
        }
    }

    /** @dataProvider backends */
    public function testEkapustaSigner(Gostcms $g): void
    {
        $signer = new Ekapusta\Signer($g, (string) file_get_contents(self::key()), (string) file_get_contents(self::cert()));
        self::assertInstanceOf(\Ekapusta\OAuth2Esia\Interfaces\Security\SignerInterface::class, $signer);
        foreach (['client_secret' => self::SECRET_STRING, 'Request-Data-Sign' => self::REQUEST_JSON] as $what => $message) {
            $der = $signer->sign($message);
            self::assertSame("\x30", $der[0], 'DER bytes: the provider base64url-encodes them');
            Env::assertOpensslCmsVerifies($der, $message, "ekapusta $what");
            $report = $g->cmsVerify($der, $message);
            self::assertTrue($report['valid']);
            self::assertNull($report['signers'][0]['signing_time'], 'no signed attributes, as OpensslPkcs7 (PKCS7_NOATTR)');
        }
    }

    /** A GOST token, made as ESIA makes them. */
    private static function token(Gostcms $g, array $claims = ['exp' => 1, 'iss' => 'http://esia.gosuslugi.ru/']): array
    {
        $b64 = fn (string $s) => rtrim(strtr(base64_encode($s), '+/', '-_'), '=');
        $input = $b64('{"alg":"GOST3410_2012_256","typ":"JWT","ver":0,"sbt":"access"}') . '.' . $b64((string) json_encode($claims));
        return [$input, $g->sign($g->loadKey(self::key()), $input)];
    }

    /** @dataProvider backends */
    public function testFr05t1kSignatureVerifier(Gostcms $g): void
    {
        $v = new Fr05t1k\SignatureVerifier($g, [self::cert(), Env::vector('cms/sender512_cert.pem')]);
        self::assertInstanceOf(\Esia\Token\SignatureVerifierInterface::class, $v);
        [$input, $sig] = self::token($g);
        $v->verify($input, $sig, 'GOST3410_2012_256');
        $this->addToAssertionCount(1);
        foreach ([
            'altered input' => [$input . 'x', $sig, 'GOST3410_2012_256'],
            'altered signature' => [$input, strrev($sig), 'GOST3410_2012_256'],
            'other alg' => [$input, $sig, 'GOST3410_2012_512'],
            'unsigned' => [$input, '', 'none'],
            'unknown alg' => [$input, $sig, 'HS256'],
        ] as $what => [$i, $s, $alg]) {
            try {
                $v->verify($i, $s, $alg);
                self::fail("$what accepted");
            } catch (\Esia\Exceptions\SignatureInvalidException $e) {
                self::assertNotSame('', $e->getMessage());
            }
        }
        // Untrusted signer.
        $other = new Fr05t1k\SignatureVerifier($g, [Env::vector('cryptopro/ilimurzin-esia/otvconba.cer')]);
        $this->expectException(\Esia\Exceptions\SignatureInvalidException::class);
        $other->verify($input, $sig, 'GOST3410_2012_256');
    }

    /** @dataProvider backends */
    public function testEkapustaSignatureVerifier(Gostcms $g): void
    {
        $v = new Ekapusta\SignatureVerifier($g, [(string) file_get_contents(self::cert())]);
        self::assertInstanceOf(\Lcobucci\JWT\Signer::class, $v);
        self::assertSame('GOST3410_2012_256', $v->algorithmId());
        $key = new class implements \Lcobucci\JWT\Signer\Key {
            public function contents(): string
            {
                return 'unused: the adapter trusts the certificates it was given';
            }

            public function passphrase(): string
            {
                return '';
            }
        };
        [$input, $sig] = self::token($g);
        self::assertTrue($v->verify($sig, $input, $key));
        self::assertFalse($v->verify($sig, $input . 'x', $key));
        self::assertFalse($v->verify(substr($sig, 1), $input, $key));
        $this->expectException(\LogicException::class);
        $v->sign($input, $key);
    }

    public function testRs256Tokens(): void
    {
        // RS256 (ESIA's older systems), through the C library (FFI).
        if (!Env::engineAvailable() && getenv('CI') !== '1') {
            self::markTestSkipped('openssl not available');
        }
        $dir = Env::tmpdir();
        [$code, $out] = Env::openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', "$dir/rsa.key",
            '-out', "$dir/rsa.crt", '-subj', '/CN=ESIA RSA test', '-days', '2']);
        self::assertSame(0, $code, $out);
        $b64 = fn (string $s) => rtrim(strtr(base64_encode($s), '+/', '-_'), '=');
        $input = $b64('{"alg":"RS256","typ":"JWT"}') . '.' . $b64('{"exp":1700003600,"iss":"http://esia.gosuslugi.ru/"}');
        file_put_contents("$dir/input", $input);
        [$code, $out] = Env::openssl(['dgst', '-sha256', '-sign', "$dir/rsa.key", '-out', "$dir/sig", "$dir/input"]);
        self::assertSame(0, $code, $out);
        $sig = (string) file_get_contents("$dir/sig");
        $g = Env::ffi();
        $v = new Fr05t1k\SignatureVerifier($g, ["$dir/rsa.crt"]);
        $v->verify($input, $sig, 'RS256');
        self::assertTrue($g->verifyJwtSignature($input, $sig, 'RS256', ["$dir/rsa.crt"]));
        self::assertFalse($g->verifyJwtSignature($input . 'x', $sig, 'RS256', ["$dir/rsa.crt"]));
        self::assertFalse($g->verifyJwtSignature($input, $sig, 'GOST3410_2012_256', ["$dir/rsa.crt"]));
        $claims = $g->verifyJwt($input . '.' . $b64($sig), ["$dir/rsa.crt"], ['now' => 1700000000]);
        self::assertSame(1700003600, $claims['exp']);
        $this->expectException(\Esia\Exceptions\SignatureInvalidException::class);
        $v->verify($input, strrev($sig), 'RS256');
    }

    public function testSignFailuresUseTheLibrarysExceptions(): void
    {
        $g = Env::ffi();
        $dir = Env::vector('cryptopro/ilimurzin-esia');
        try {
            new Fr05t1k\Signer($g, "$dir/otvconba.000", "$dir/otvconba.cer", 'wrong');
            self::fail('wrong PIN accepted');
        } catch (\Gostcms\Exception\WrongPasswordException $e) {
            self::assertFalse($e->isPasswordRequired());
        }
        // A failure while signing comes as the library's own exception class.
        $e = \Gostcms\Adapter\Support::wrap(\Esia\Signer\Exceptions\SignFailException::class, new \RuntimeException('x'), 'gostcms: ');
        self::assertInstanceOf(\Esia\Signer\Exceptions\SignFailException::class, $e);
        $e = \Gostcms\Adapter\Support::wrap(\Esia\Signer\Exceptions\SignException::class, new \RuntimeException('x'), 'gostcms: ');
        self::assertInstanceOf(\Esia\Signer\Exceptions\SignException::class, $e);
        $e = \Gostcms\Adapter\Support::wrap('No\Such\Library\Exception', new \RuntimeException('x'), '');
        self::assertInstanceOf(\RuntimeException::class, $e);
    }
}
