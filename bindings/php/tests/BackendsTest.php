<?php

declare(strict_types=1);

namespace Gostcms\Tests;

use Gostcms\Certificate;
use Gostcms\Exception\FormatException;
use Gostcms\Exception\GostcmsException;
use Gostcms\Exception\InvalidSignatureException;
use Gostcms\Exception\JwtException;
use Gostcms\Exception\WrongPasswordException;
use Gostcms\Gostcms;
use Gostcms\Key;
use PHPUnit\Framework\TestCase;

/**
 * The contract over both back ends: each back end checks the other's
 * output, gives the same answers, and OpenSSL's gost engine checks both.
 */
final class BackendsTest extends TestCase
{
    private const STATE = 'bbf0aef5-5237-41bc-8cba-291e29a3ade8';
    private const TIMESTAMP = '2021.11.10 12:28:46 +0300';

    private static function keyPath(): string
    {
        return Env::vector('cms/sender256_key.pem');
    }

    private static function certPath(): string
    {
        return Env::vector('cms/sender256_cert.pem');
    }

    /** @return array{0: Key, 1: Certificate} */
    private static function load(Gostcms $g): array
    {
        return [$g->loadKey(self::keyPath()), $g->loadCertificate(self::certPath())];
    }

    public static function backends(): array
    {
        return Env::backends();
    }

    public function testBothBackendsLoad(): void
    {
        $ffi = Env::ffi();
        $cli = Env::cli();
        self::assertSame('ffi', $ffi->backend());
        self::assertSame('cli', $cli->backend());
        self::assertMatchesRegularExpression('/^\d+\.\d+\.\d+/', $ffi->version());
        self::assertSame($ffi->version(), $cli->version());
    }

    public function testRawSignaturesVerifyAcrossBackends(): void
    {
        $ffi = Env::ffi();
        $cli = Env::cli();
        [$fk, $fc] = self::load($ffi);
        // The CLI back end takes the key as bytes (through a pipe) here.
        $ck = $cli->loadKey((string) file_get_contents(self::keyPath()));
        $cc = $cli->loadCertificate((string) file_get_contents(self::certPath()));
        $msg = "ESIA client_secret string \xD0\x9F\n";
        $s1 = $ffi->sign($fk, $msg);
        $s2 = $cli->sign($ck, $msg);
        self::assertSame(64, \strlen($s1));
        self::assertSame(64, \strlen($s2));
        self::assertNotSame($s1, $s2, 'random nonces');
        foreach ([[$ffi, $fc], [$cli, $cc]] as [$g, $c]) {
            self::assertTrue($g->verify($c, $msg, $s1), $g->backend() . ' verifies FFI');
            self::assertTrue($g->verify($c, $msg, $s2), $g->backend() . ' verifies CLI');
            self::assertFalse($g->verify($c, $msg . 'x', $s1), $g->backend() . ' rejects other message');
            $bad = $s2;
            $bad[10] = \chr(\ord($bad[10]) ^ 1);
            self::assertFalse($g->verify($c, $msg, $bad), $g->backend() . ' rejects altered signature');
        }
        Env::assertOpensslRawVerifies($s1, $msg, self::certPath(), 'FFI raw signature');
        Env::assertOpensslRawVerifies($s2, $msg, self::certPath(), 'CLI raw signature');
        $batch = $ffi->signBatch($fk, ['a', 'b', '']);
        self::assertCount(3, $batch);
        self::assertTrue($cli->verify($cc, 'b', $batch[1]));
        self::assertTrue($cli->verify($cc, '', $batch[2]));
        self::assertSame(3, \count($cli->signBatch($ck, ['a', 'b', ''])));
    }

    public function testCmsAcrossBackends(): void
    {
        $ffi = Env::ffi();
        $cli = Env::cli();
        $doc = "Заявление №1\n" . random_bytes(100);
        $sigs = [];
        foreach ([$ffi, $cli] as $g) {
            [$k, $c] = self::load($g);
            $sigs[$g->backend()] = $g->cmsSign($k, $c, $doc);
            $sigs[$g->backend() . '-noattr'] = $g->cmsSign($k, $c, $doc, false, false);
            $attached = $g->cmsSign($k, $c, $doc, true);
            foreach ([$ffi, $cli] as $v) {
                $r = $v->cmsVerify($attached);
                self::assertTrue($r['valid'], $v->backend() . ' verifies attached from ' . $g->backend());
            }
        }
        $reports = [];
        foreach ($sigs as $name => $der) {
            Env::assertOpensslCmsVerifies($der, $doc, $name);
            foreach ([$ffi, $cli] as $v) {
                $r = $v->cmsVerify($der, $doc);
                self::assertTrue($r['valid'], $v->backend() . " verifies $name");
                self::assertCount(1, $r['signers']);
                self::assertTrue($r['signers'][0]['valid']);
                self::assertNull($r['signers'][0]['reason']);
                $reports[$v->backend()][$name] = $r;
                $bad = $v->cmsVerify($der, $doc . 'x');
                self::assertFalse($bad['valid']);
                self::assertFalse($bad['signers'][0]['valid']);
                self::assertNotEmpty($bad['signers'][0]['reason']);
                $reports[$v->backend()][$name . '-bad'] = [$bad['valid'], $bad['signers'][0]['subject']];
            }
        }
        // Same answers (signing times differ between signatures, not between verifiers).
        self::assertEquals($reports['ffi'], $reports['cli']);
        self::assertStringContainsString('CN=', (string) $reports['ffi']['ffi']['signers'][0]['subject']);
        // base64url and PEM inputs too.
        $b64u = rtrim(strtr(base64_encode($sigs['ffi']), '+/', '-_'), '=');
        self::assertTrue($cli->cmsVerify($b64u, $doc)['valid']);
        self::assertTrue($ffi->cmsVerify($b64u, $doc)['valid']);
    }

    /** @dataProvider backends */
    public function testGarbageIsAFormatError(Gostcms $g): void
    {
        foreach (['cmsVerify' => fn () => $g->cmsVerify('not a signature', 'x'),
            'loadKey' => fn () => $g->loadKey("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
            'loadCertificate' => fn () => $g->loadCertificate(random_bytes(40) . "\0"),
            'clientSecret' => fn () => $g->clientSecret(...self::load($g), ...[['client_id' => 'X']]),
            'timestamp' => fn () => $g->clientSecret(...self::load($g), ...[['client_id' => 'X', 'scope' => 'openid',
                'redirect_uri' => 'https://x', 'timestamp' => 'yesterday']]),
        ] as $what => $call) {
            try {
                $call();
                self::fail("$what accepted garbage");
            } catch (FormatException $e) {
                self::assertInstanceOf(GostcmsException::class, $e);
                self::assertNotSame('', $e->getMessage(), $what);
            }
        }
    }

    /** @dataProvider backends */
    public function testWrongAndMissingPassword(Gostcms $g): void
    {
        $dir = Env::vector('cryptopro/ilimurzin-esia');
        $cert = $g->loadCertificate("$dir/otvconba.cer");
        foreach (["$dir/otvconba.000" => '1xqoyc4e', "$dir/private.pem" => 'test'] as $source => $secret) {
            $key = $g->loadKey($source, $secret);
            self::assertTrue($g->verify($cert, 'm', $g->sign($key, 'm')), "$source signs");
            try {
                $g->loadKey($source, $secret . 'x');
                self::fail("$source: wrong secret accepted");
            } catch (WrongPasswordException $e) {
                self::assertFalse($e->isPasswordRequired(), $e->getMessage());
                self::assertMatchesRegularExpression('/wrong/i', $e->getMessage());
            }
            try {
                $g->loadKey($source);
                self::fail("$source: no secret accepted");
            } catch (WrongPasswordException $e) {
                self::assertTrue($e->isPasswordRequired(), $e->getMessage());
                self::assertStringContainsString('none was given', $e->getMessage());
            }
        }
        // The encrypted PKCS#8 as bytes (through a pipe for the CLI).
        $key = $g->loadKey((string) file_get_contents("$dir/private.pem"), 'test');
        self::assertTrue($g->verify($cert, 'm', $g->sign($key, 'm')));
        $this->expectException(FormatException::class);
        $g->loadKey("$dir/does-not-exist.000/", '1');
    }

    public function testClientSecretsAcrossBackends(): void
    {
        $ffi = Env::ffi();
        $cli = Env::cli();
        $base = ['client_id' => 'TESTAPPLICATION', 'scope' => 'openid',
            'redirect_uri' => 'https://test.application.ru/auth/api/v1/esia/return',
            'state' => self::STATE, 'timestamp' => self::TIMESTAMP];
        $flows = [
            'v2/ac' => [],
            'v3/te' => ['code' => 'eyJ2ZXIiOjEsInR5cCI6IkpXVCJ9.code'],
            'refresh' => ['refresh_token' => 'a1b2c3'],
            'ac' => [],
            'te' => ['code' => 'code123'],
            'client-credentials' => [],
        ];
        [$fk, $fc] = self::load($ffi);
        [$ck, $cc] = self::load($cli);
        foreach ($flows as $flow => $extra) {
            $params = $base + $extra + ['flow' => $flow];
            $a = $ffi->clientSecret($fk, $fc, $params);
            $b = $cli->clientSecret($ck, $cc, $params);
            foreach (['state', 'timestamp', 'client_certificate_hash', 'signed_string'] as $f) {
                self::assertSame($a[$f], $b[$f], "$flow $f");
            }
            self::assertSame(self::STATE, $a['state']);
            self::assertSame(self::TIMESTAMP, $a['timestamp']);
            self::assertDoesNotMatchRegularExpression('/[+\/=]/', $a['client_secret'], 'base64url, unpadded');
            foreach ([$a, $b] as $i => $s) {
                $sig = Env::b64urlDecode($s['client_secret']);
                if (\in_array($flow, ['v2/ac', 'v3/te', 'refresh'], true)) {
                    self::assertTrue($ffi->verify($fc, $s['signed_string'], $sig), "$flow #$i raw");
                    self::assertTrue($cli->verify($cc, $s['signed_string'], $sig), "$flow #$i raw (CLI)");
                    Env::assertOpensslRawVerifies($sig, $s['signed_string'], self::certPath(), "$flow client_secret");
                } else {
                    self::assertTrue($ffi->cmsVerify($sig, $s['signed_string'])['valid'], "$flow #$i CMS");
                    Env::assertOpensslCmsVerifies($sig, $s['signed_string'], "$flow client_secret");
                }
            }
        }
        self::assertSame('TESTAPPLICATIONopenid' . self::TIMESTAMP . self::STATE . $base['redirect_uri'],
            $ffi->clientSecret($fk, $fc, $base)['signed_string']);
        // Values that look like options reach the CLI as values.
        $odd = ['client_id' => '-X', 'scope' => '--help', 'redirect_uri' => '-r', 'state' => self::STATE, 'timestamp' => self::TIMESTAMP];
        self::assertSame('-X--help' . self::TIMESTAMP . self::STATE . '-r', $cli->clientSecret($ck, $cc, $odd)['signed_string']);
        self::assertSame($ffi->clientSecret($fk, $fc, $odd)['signed_string'], $cli->clientSecret($ck, $cc, $odd)['signed_string']);
        $fresh = $cli->clientSecret($ck, $cc, ['client_id' => 'A', 'scope' => 'openid', 'redirect_uri' => 'https://a']);
        self::assertMatchesRegularExpression('/^[0-9a-f-]{36}$/', $fresh['state']);
    }

    public function testEsiaHelpersAcrossBackends(): void
    {
        $ffi = Env::ffi();
        $cli = Env::cli();
        [$fk, $fc] = self::load($ffi);
        [$ck, $cc] = self::load($cli);
        // client_certificate_hash: OpenSSL's md_gost12_256 of the DER, upper case.
        $hash = $ffi->certHash($fc);
        self::assertSame($hash, $cli->certHash($cc));
        self::assertSame(strtoupper(bin2hex($ffi->hash($fc->der()))), $hash);
        self::assertSame($fc->der(), $cc->der());
        // Streebog (vectors/streebog: M3, the empty message).
        foreach ([$ffi, $cli] as $g) {
            self::assertSame('3f539a213e97c802cc229d474c6aa32a825a360b2a933a949fd925208d9ce1bb', bin2hex($g->hash('')));
            self::assertSame(64, \strlen($g->hash('abc', 512)));
            [$verifier, $challenge] = $g->pkce();
            self::assertMatchesRegularExpression('/^[A-Za-z0-9_-]{43}$/', $verifier);
            self::assertSame(rtrim(strtr(base64_encode($g->hash($verifier)), '+/', '-_'), '='), $challenge);
            [$v2, $c2] = $g->pkce('S256');
            self::assertSame(rtrim(strtr(base64_encode(hash('sha256', $v2, true)), '+/', '-_'), '='), $c2);
        }
        // Request-Data-Sign: a detached CMS over exactly the JSON bytes.
        $json = '{"firstName":"Иван","lastName":"Иванов","snils":"000-000-600 06"}';
        foreach ([[$ffi, $fk, $fc], [$cli, $ck, $cc]] as [$g, $k, $c]) {
            $rds = $g->requestDataSign($k, $c, $json);
            self::assertMatchesRegularExpression('/^[A-Za-z0-9_-]+$/', $rds);
            Env::assertOpensslCmsVerifies(Env::b64urlDecode($rds), $json, $g->backend() . ' Request-Data-Sign');
            self::assertTrue($ffi->cmsVerify($rds, $json)['valid']);
            self::assertTrue($cli->cmsVerify($rds, $json)['valid']);
            $uuid = '0c8b5d36-6a83-4b7a-9e26-3e0d5f3f1f3c';
            $u = $g->uuidSignature($k, $c, $uuid);
            Env::assertOpensslCmsVerifies(Env::b64urlDecode($u), $uuid, $g->backend() . ' UUID signature');
            $attached = $g->uuidSignature($k, $c, $uuid, true);
            self::assertTrue($cli->cmsVerify($attached)['valid']);
        }
    }

    /** A GOST JWT signed with the test key, as ESIA signs its tokens (s||r over Streebog). */
    private static function token(Gostcms $g, Key $k, array $claims, string $alg = 'GOST3410_2012_256'): string
    {
        $b64 = fn (string $s) => rtrim(strtr(base64_encode($s), '+/', '-_'), '=');
        $input = $b64(json_encode(['alg' => $alg, 'typ' => 'JWT', 'ver' => 0, 'sbt' => 'access']))
            . '.' . $b64(json_encode($claims));
        return $input . '.' . $b64($g->sign($k, $input));
    }

    public function testJwtAcrossBackends(): void
    {
        $ffi = Env::ffi();
        $cli = Env::cli();
        [$fk] = self::load($ffi);
        $claims = ['nbf' => 1699999990, 'iat' => 1699999990, 'exp' => 1700003600, 'scope' => 'openid',
            'iss' => 'http://esia.gosuslugi.ru/', 'urn:esia:sbj_id' => 1000299526, 'client_id' => 'TESTAPPLICATION'];
        $token = self::token($ffi, $fk, $claims);
        $options = ['client_id' => 'TESTAPPLICATION', 'now' => 1700000000];
        $answers = [];
        foreach ([$ffi, $cli] as $g) {
            $trust = [$g->loadCertificate(self::certPath())];
            $answers[$g->backend()] = $g->verifyJwt($token, $trust, $options);
            // Paths are fine as trusted certificates too.
            $viaPaths = $g->verifyJwt($token, [self::certPath()], $options + ['issuers' => ['https://elsewhere/', 'http://esia.gosuslugi.ru']]);
            self::assertEquals($claims, $viaPaths);
            foreach ([
                'expired' => [$token, ['now' => 1800000000] + $options],
                'audience' => [$token, ['client_id' => 'OTHER'] + $options],
                'issuer' => [$token, $options + ['issuers' => ['https://esia-portal1.test.gosuslugi.ru/']]],
                'signature' => [substr($token, 0, -4) . (str_ends_with($token, 'AAAA') ? 'BBBB' : 'AAAA'), $options],
                'alg none' => [self::token($ffi, $fk, $claims, 'none'), $options],
                'garbage' => ['not.a.token', $options],
            ] as $what => [$t, $o]) {
                try {
                    $g->verifyJwt($t, $trust, $o);
                    self::fail($g->backend() . ": $what accepted");
                } catch (JwtException $e) {
                    self::assertNotSame('', $e->getMessage());
                }
            }
            [$input, $sig] = [substr($token, 0, strrpos($token, '.')), Env::b64urlDecode(substr($token, strrpos($token, '.') + 1))];
            self::assertTrue($g->verifyJwtSignature($input, $sig, 'GOST3410_2012_256', $trust));
            self::assertFalse($g->verifyJwtSignature($input . 'x', $sig, 'GOST3410_2012_256', $trust));
            self::assertFalse($g->verifyJwtSignature($input, $sig, 'GOST3410_2012_512', $trust));
            self::assertFalse($g->verifyJwtSignature($input, $sig, 'none', $trust));
        }
        ksort($claims);
        ksort($answers['ffi']);
        ksort($answers['cli']);
        self::assertSame($claims, $answers['ffi']);
        self::assertSame($answers['ffi'], $answers['cli']);
    }

    /** @dataProvider backends */
    public function testSecretsNeverPrinted(Gostcms $g): void
    {
        $password = 'test';
        $pem = (string) file_get_contents(Env::vector('cryptopro/ilimurzin-esia/private.pem'));
        $key = $g->loadKey($pem, $password);
        $plain = $g->loadKey(self::keyPath());
        $keyBody = trim(explode("\n", (string) file_get_contents(self::keyPath()))[1]);
        foreach ([$key, $plain] as $k) {
            $dumps = [print_r($k, true), var_export($k, true), json_encode((array) $k)];
            ob_start();
            var_dump($k);
            $dumps[] = (string) ob_get_clean();
            foreach ($dumps as $d) {
                self::assertStringNotContainsString(substr($keyBody, 0, 20), $d);
                self::assertStringNotContainsString('ENCRYPTED', $d);
                self::assertStringNotContainsString("'$password'", $d);
                self::assertStringNotContainsString('"' . $password . '"', $d);
            }
        }
        try {
            serialize($key);
            self::fail('a key serialized');
        } catch (\LogicException) {
        }
        self::assertStringContainsString('(hidden)', print_r($key, true));
        if ($g->backend() === 'ffi') {
            self::assertSame('cryptopro-xcha', $key->curve());
            self::assertSame('tc26-256-a', $plain->curve());
        }
    }

    public function testKeysBelongToTheirBackend(): void
    {
        $k = Env::ffi()->loadKey(self::keyPath());
        $this->expectException(GostcmsException::class);
        Env::cli()->sign($k, 'm');
    }

    /** @dataProvider backends */
    public function testInvalidSignatureException(Gostcms $g): void
    {
        [$k, $c] = self::load($g);
        $sig = $g->sign($k, 'm');
        $g->checkSignature($c, 'm', $sig);
        $cms = $g->cmsSign($k, $c, 'doc');
        self::assertTrue($g->checkCms($cms, 'doc')['valid']);
        foreach ([fn () => $g->checkSignature($c, 'other', $sig), fn () => $g->checkCms($cms, 'other')] as $i => $call) {
            try {
                $call();
                self::fail("#$i: an invalid signature passed");
            } catch (InvalidSignatureException $e) {
                self::assertInstanceOf(GostcmsException::class, $e);
                self::assertStringContainsString('does not verify', $e->getMessage());
            }
        }
    }

    public function testMismatchedKeyAndCertificate(): void
    {
        // A key and a certificate that do not belong together.
        $g = Env::ffi();
        $k = $g->loadKey(Env::vector('cms/sender512_key.pem'));
        $c = $g->loadCertificate(self::certPath());
        try {
            $g->cmsSign($k, $c, 'x');
            self::fail('mismatched key and certificate signed');
        } catch (GostcmsException $e) {
            self::assertStringContainsString('key', strtolower($e->getMessage()));
        }
    }
}
