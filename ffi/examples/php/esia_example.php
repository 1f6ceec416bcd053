<?php
// gostcms from PHP (FFI): sign an ESIA client_secret, sign a document as
// CMS, verify a CMS made by someone else (OpenSSL in the tests).
//
// usage: php -d ffi.enable=1 esia_example.php LIBGOSTCMS GOSTCMS_H KEY.pem CERT.pem SIGNATURE.cms CONTENT OUT_DIR
//
// Writes client_secret.txt, signed_string.txt, pub.pem, signature.der and
// document.txt to OUT_DIR; run-tests.sh checks them with OpenSSL.

require __DIR__ . '/gostcms.php';

if ($argc !== 8) {
    fwrite(STDERR, "usage: esia_example.php LIBGOSTCMS GOSTCMS_H KEY CERT SIGNATURE.cms CONTENT OUT_DIR\n");
    exit(2);
}
[, $lib, $header, $keyPath, $certPath, $cmsPath, $contentPath, $outDir] = $argv;

function check(bool $ok, string $what): void
{
    if (!$ok) {
        fwrite(STDERR, "FAIL: $what\n");
        exit(1);
    }
}

$g = new Gostcms($lib, $header);
echo "gostcms ", $g->version(), "\n";
$key = $g->loadKey(file_get_contents($keyPath));
$cert = $g->loadCert(file_get_contents($certPath));
$signer = $g->signer($key, $cert);

$secret = $g->clientSecret($signer, Gostcms::FLOW_AUTHORIZE, 'TESTAPPLICATION', 'openid',
    redirectUri: 'https://test.application.ru/auth/api/v1/esia/return');
echo "client_secret: {$secret['client_secret']}\n";
echo "state: {$secret['state']} timestamp: {$secret['timestamp']}\n";
echo "client_certificate_hash: {$secret['client_certificate_hash']}\n";
check(strlen($secret['state']) === 36 && strlen($secret['client_certificate_hash']) === 64, 'state and hash');
check(str_starts_with($secret['signed_string'], 'TESTAPPLICATIONopenid' . $secret['timestamp'] . $secret['state']),
    'signed string');

$document = "Заявление №1: подписано gostcms через PHP FFI.\n";
$signature = $g->cmsSign($signer, $document);
[$valid] = $g->cmsVerify($signature, $document);
check($valid, 'own CMS verifies');

$cms = file_get_contents($cmsPath);
$content = file_get_contents($contentPath);
[$valid, $report] = $g->cmsVerify($cms, $content);
echo "verify OpenSSL's CMS: ", json_encode($report, JSON_UNESCAPED_UNICODE), "\n";
check($valid && $report['signers'][0]['valid'], "OpenSSL's CMS verifies");
[$valid, $report] = $g->cmsVerify($cms, $content . 'tampered');
check(!$valid && str_contains($report['signers'][0]['error'], 'digest mismatch'), 'tampered content fails');
try {
    $g->cmsVerify('not a signature');
    check(false, 'garbage verified');
} catch (GostcmsException $e) {
    echo "garbage rejected: status {$e->getCode()}: {$e->getMessage()}\n";
}

file_put_contents("$outDir/client_secret.txt", $secret['client_secret']);
file_put_contents("$outDir/signed_string.txt", $secret['signed_string']);
file_put_contents("$outDir/pub.pem", $g->publicKeyPem($key));
file_put_contents("$outDir/signature.der", $signature);
file_put_contents("$outDir/document.txt", $document);
$g->free('signer', $signer);
$g->free('cert', $cert);
$g->free('key', $key);
echo "php example: OK\n";
