<?php

declare(strict_types=1);

namespace Gostcms\Backend;

use Gostcms\Certificate;
use Gostcms\Exception\FormatException;
use Gostcms\Exception\GostcmsException;
use Gostcms\Exception\InvalidSignatureException;
use Gostcms\Exception\JwtException;
use Gostcms\Exception\WrongPasswordException;
use Gostcms\Key;

/**
 * @internal The `gostcms` command line through proc_open: an argument
 * array (no shell), data on stdin, keys, certificates, signatures and
 * passwords through extra pipes named /dev/fd/N (no temporary files, no
 * secret in the process list). Exit codes: 0 done, 1 a check failed,
 * 2 unusable input (docs/cli.md).
 */
final class CliBackend implements Backend
{
    /** Flow names to the CLI's flags. */
    private const FLOW_FLAGS = [
        'v2/ac' => [],
        'v3/te' => [],
        'refresh' => [],
        'ac' => ['--legacy'],
        'te' => ['--legacy'],
        'client-credentials' => ['--client-credentials'],
    ];

    public function __construct(private string $binary = 'gostcms')
    {
        if (!\function_exists('proc_open')) {
            throw new GostcmsException('proc_open is disabled (disable_functions): the CLI back end cannot run');
        }
    }

    public function name(): string
    {
        return 'cli';
    }

    public function version(): string
    {
        [$code, $out, $err] = $this->run(['--version']);
        if ($code !== 0) {
            throw new GostcmsException("{$this->binary} --version failed: " . trim($err));
        }
        // The first line is "gostcms VERSION"; the CPU paths in use follow it.
        $first = strtok(trim($out), "\n");
        return trim(preg_replace('/^gostcms\s+/', '', trim((string) $first)));
    }

    /**
     * Runs the binary with $args; $stdin on fd 0 and $pipes[fd] on the
     * extra descriptors, all written while stdout and stderr are read.
     *
     * @param list<string> $args
     * @param array<int, string> $pipes
     * @return array{0: int, 1: string, 2: string} exit code, stdout, stderr
     */
    private function run(array $args, string $stdin = '', array $pipes = []): array
    {
        $spec = [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']];
        foreach (array_keys($pipes) as $fd) {
            $spec[$fd] = ['pipe', 'r'];
        }
        // The CLI reads GOSTCMS_PIN / GOSTCMS_PASSWORD when no password is
        // given: not from this process's environment.
        $env = getenv();
        unset($env['GOSTCMS_PIN'], $env['GOSTCMS_PASSWORD']);
        // A child that exits before reading all its input (an unreadable
        // key, say) must give an error here, not kill PHP with SIGPIPE (the
        // CLI SAPI does not ignore it; PHP-FPM and Apache do).
        $previous = null;
        if (\function_exists('pcntl_signal') && \defined('SIGPIPE')) {
            $previous = pcntl_signal_get_handler(SIGPIPE);
            pcntl_signal(SIGPIPE, SIG_IGN);
        }
        try {
            return $this->runChild($args, $stdin, $pipes, $spec, $env);
        } finally {
            if ($previous !== null) {
                pcntl_signal(SIGPIPE, $previous);
            }
        }
    }

    /**
     * @param list<string> $args
     * @param array<int, string> $pipes
     * @param array<int, array<int, string>> $spec
     * @param array<string, string> $env
     * @return array{0: int, 1: string, 2: string}
     */
    private function runChild(array $args, string $stdin, array $pipes, array $spec, array $env): array
    {
        $proc = proc_open(array_merge([$this->binary], $args), $spec, $p, null, $env);
        if (!\is_resource($proc)) {
            throw new GostcmsException("cannot run {$this->binary}");
        }
        $writes = [0 => $stdin] + $pipes;
        $out = '';
        $err = '';
        foreach ($p as $stream) {
            stream_set_blocking($stream, false);
        }
        while (true) {
            $w = [];
            foreach ($writes as $fd => $data) {
                if ($data === '') {
                    fclose($p[$fd]);
                    unset($writes[$fd]);
                } else {
                    $w[$fd] = $p[$fd];
                }
            }
            $r = [];
            if (isset($p[1])) {
                $r[1] = $p[1];
            }
            if (isset($p[2])) {
                $r[2] = $p[2];
            }
            if ($r === [] && $w === []) {
                break;
            }
            $e = null;
            if (@stream_select($r, $w, $e, 30) === false) {
                break;
            }
            foreach ($w as $stream) {
                $fd = array_search($stream, $p, true);
                $n = @fwrite($stream, $writes[$fd]);
                if ($n === false || $n === 0) {
                    // The child closed it without reading all: stop sending.
                    $writes[$fd] = '';
                } else {
                    $writes[$fd] = (string) substr($writes[$fd], $n);
                }
            }
            foreach ($r as $stream) {
                $fd = array_search($stream, $p, true);
                $chunk = fread($stream, 65536);
                if ($chunk === '' || $chunk === false) {
                    if (feof($stream)) {
                        fclose($stream);
                        unset($p[$fd]);
                    }
                    continue;
                }
                if ($fd === 1) {
                    $out .= $chunk;
                } else {
                    $err .= $chunk;
                }
            }
        }
        foreach ($p as $stream) {
            if (\is_resource($stream)) {
                fclose($stream);
            }
        }
        foreach ($writes as &$data) {
            $data = '';
        }
        $code = proc_close($proc);
        return [$code, $out, $err];
    }

    /** The CLI's one-line message, without its "gostcms: " prefix and notes. */
    private static function message(string $stderr): string
    {
        $lines = array_filter(explode("\n", trim($stderr)), fn ($l) => !str_starts_with($l, 'gostcms: note:'));
        $msg = trim((string) end($lines));
        return preg_replace('/^gostcms:\s*(error:\s*)?/', '', $msg) ?: 'gostcms failed';
    }

    private static function inputError(string $stderr, int $code, bool $passwordGiven = true): GostcmsException
    {
        $msg = self::message($stderr);
        if (preg_match('/wrong (password|PIN)|PIN or password|protected by a (PIN|password)|(PIN|password) is needed/i', $msg)) {
            return new WrongPasswordException(
                $passwordGiven || str_contains($msg, 'none was given') ? $msg
                    : "the key is protected by a PIN or password and none was given ($msg)",
                $code,
                !$passwordGiven
            );
        }
        return new FormatException($msg, $code);
    }

    /**
     * Arguments naming a key (and its password) for the command line.
     *
     * @param array<int, string> $pipes filled with what goes through pipes
     * @return list<string>
     */
    private function keyArgs(Key $key, array &$pipes): array
    {
        $src = $key->secret('cli');
        \assert($src instanceof CliSource);
        return $this->keyArgsFor($src, $pipes);
    }

    /** @param array<int, string> $pipes @return list<string> */
    private function keyArgsFor(CliSource $src, array &$pipes): array
    {
        $args = ['--key', $this->fileArg($src->path, $src->bytes, $pipes)];
        if ($src->password !== null && $src->password !== '') {
            $args[] = '--password-file';
            $args[] = $this->fileArg(null, $src->password . "\n", $pipes);
        }
        return $args;
    }

    /** @param array<int, string> $pipes */
    private function certArg(Certificate $cert, array &$pipes): string
    {
        $src = $cert->handle('cli');
        \assert($src instanceof CliSource);
        return $this->fileArg($src->path, $src->bytes, $pipes);
    }

    /** A path (never taken for an option or stdin), or bytes on the next free descriptor as /dev/fd/N. */
    private function fileArg(?string $path, ?string $bytes, array &$pipes): string
    {
        if ($path !== null) {
            return str_starts_with($path, '-') ? './' . $path : $path;
        }
        $fd = 3 + \count($pipes);
        $pipes[$fd] = (string) $bytes;
        return "/dev/fd/$fd";
    }

    /**
     * @param list<string> $args
     * @param array<int, string> $pipes
     */
    private function must(array $args, string $stdin = '', array $pipes = [], bool $passwordGiven = true): string
    {
        [$code, $out, $err] = $this->run($args, $stdin, $pipes);
        if ($code === 0) {
            return $out;
        }
        if ($code === 1) {
            throw new InvalidSignatureException(self::message($err), $code);
        }
        throw self::inputError($err, $code, $passwordGiven);
    }

    public function loadKey(string $pathOrBytes, ?string $password): Key
    {
        if ($password !== null && strpbrk($password, "\r\n") !== false) {
            throw new FormatException('password: a line break cannot be passed to the gostcms CLI (use the FFI back end)');
        }
        $src = Source::isPath($pathOrBytes) ? new CliSource($pathOrBytes, null, $password)
            : new CliSource(null, $pathOrBytes, $password);
        // Load it once now, so a wrong password fails here as with FFI.
        $pipes = [];
        $args = array_merge(['raw-sign'], $this->keyArgsFor($src, $pipes), ['--format', 'hex', '-']);
        $this->must($args, '', $pipes, $password !== null && $password !== '');
        // No command prints a key's parameter set: curve() is "" here.
        return new Key('cli', '', $src);
    }

    public function loadCertificate(string $pathOrBytes): Certificate
    {
        if (Source::isPath($pathOrBytes)) {
            $bytes = @file_get_contents($pathOrBytes);
            if ($bytes === false) {
                throw new FormatException("cannot read certificate $pathOrBytes");
            }
        } else {
            $bytes = $pathOrBytes;
        }
        // Checks that the CLI reads it.
        $this->must(['esia', 'cert-hash', '/dev/fd/3'], '', [3 => $bytes]);
        $der = $bytes;
        if (preg_match('/-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----/s', $bytes, $m)) {
            $der = (string) base64_decode($m[1], false);
        } elseif (preg_match('/^[A-Za-z0-9+\/=\s]+$/', $bytes)) {
            $der = (string) base64_decode($bytes, false);
        }
        return new Certificate('cli', $der, '', new CliSource(null, $bytes));
    }

    public function sign(Key $key, string $message): string
    {
        $pipes = [];
        $args = array_merge(['raw-sign'], $this->keyArgs($key, $pipes), ['--format', 'hex', '-']);
        return (string) hex2bin(trim($this->must($args, $message, $pipes)));
    }

    public function verify(Certificate $cert, string $message, string $signature): bool
    {
        $pipes = [];
        $certArg = $this->certArg($cert, $pipes);
        $sigArg = $this->fileArg(null, bin2hex($signature), $pipes);
        [$code, , $err] = $this->run(['raw-verify', '--cert', $certArg, '--signature', $sigArg, '-'], $message, $pipes);
        if ($code === 0) {
            return true;
        }
        if ($code === 1) {
            return false;
        }
        throw self::inputError($err, $code);
    }

    public function cmsSign(Key $key, Certificate $cert, string $content, bool $attached, bool $signedAttributes): string
    {
        $pipes = [];
        $args = array_merge(['sign'], $this->keyArgs($key, $pipes), ['--cert', $this->certArg($cert, $pipes), '--format', 'der']);
        if ($attached) {
            $args[] = '--attached';
        }
        if (!$signedAttributes) {
            $args[] = '--no-attrs';
        }
        $args[] = '-';
        return $this->must($args, $content, $pipes);
    }

    public function cmsVerify(string $signature, ?string $content): array
    {
        $args = ['verify', '/dev/fd/3'];
        if ($content !== null) {
            $args[] = '--content';
            $args[] = '-';
        }
        [$code, $out, $err] = $this->run($args, $content ?? '', [3 => $signature]);
        if ($code !== 0 && $code !== 1) {
            throw self::inputError($err, $code);
        }
        $signers = [];
        foreach (explode("\n", trim($out)) as $line) {
            if (str_starts_with($line, 'OK ')) {
                $rest = preg_replace('/ certificate not checked$/', '', substr($line, 3));
                $parts = explode(' ', $rest);
                $time = array_pop($parts);
                $curve = array_pop($parts);
                $subject = implode(' ', $parts);
                $signers[] = [
                    'subject' => $subject === '-' ? null : $subject,
                    'valid' => true,
                    'reason' => null,
                    'curve' => $curve === '-' ? null : $curve,
                    'signing_time' => $time === '-' ? null : strtotime($time),
                ];
            } elseif (str_starts_with($line, 'FAIL ')) {
                // "FAIL <subject> <reason>": the subject ends before the first
                // word of the reason (lower case, as the library writes them).
                $rest = substr($line, 5);
                if (preg_match('/^(.*?) ([a-z].*)$/s', $rest, $m)) {
                    [$subject, $reason] = [$m[1], $m[2]];
                } else {
                    [$subject, $reason] = [$rest, 'signature does not verify'];
                }
                $signers[] = [
                    'subject' => $subject === '-' ? null : $subject,
                    'valid' => false,
                    'reason' => $reason,
                    'curve' => null,
                    'signing_time' => null,
                ];
            }
        }
        return ['valid' => $code === 0 && $signers !== [], 'signers' => $signers];
    }

    public function clientSecret(Key $key, Certificate $cert, array $params): array
    {
        $pipes = [];
        $args = array_merge(['esia', 'client-secret'], $this->keyArgs($key, $pipes),
            ['--cert', $this->certArg($cert, $pipes), '--client-id=' . $params['client_id'], '--scope=' . $params['scope']]);
        $map = ['scope_org' => '--scope-org', 'redirect_uri' => '--redirect-uri', 'code' => '--code',
            'refresh_token' => '--refresh-token', 'state' => '--state', 'timestamp' => '--timestamp'];
        foreach ($map as $name => $flag) {
            if ($params[$name] !== null) {
                // --flag=value: a value starting with "-" is never read as an option.
                $args[] = $flag . '=' . $params[$name];
            }
        }
        $args = array_merge($args, self::FLOW_FLAGS[$params['flow']]);
        $json = json_decode($this->must($args, '', $pipes), true, 8, JSON_THROW_ON_ERROR);
        $result = [];
        foreach (['client_secret', 'state', 'timestamp', 'client_certificate_hash', 'signed_string'] as $f) {
            $result[$f] = (string) $json[$f];
        }
        return $result;
    }

    public function requestDataSign(Key $key, Certificate $cert, string $json): string
    {
        $pipes = [];
        $args = array_merge(['esia', 'request-data-sign'], $this->keyArgs($key, $pipes),
            ['--cert', $this->certArg($cert, $pipes), '-']);
        $out = $this->must($args, $json, $pipes);
        if (!preg_match('/^Request-Data-Sign: (\S+)$/m', $out, $m)) {
            throw new GostcmsException('unexpected output of gostcms esia request-data-sign');
        }
        return $m[1];
    }

    public function uuidSignature(Key $key, Certificate $cert, string $uuid, bool $attached): string
    {
        $pipes = [];
        $args = array_merge(['esia', 'uuid-signature'], $this->keyArgs($key, $pipes), ['--cert', $this->certArg($cert, $pipes)]);
        if ($attached) {
            $args[] = '--attached';
        }
        $args[] = '--';
        $args[] = $uuid;
        return trim($this->must($args, '', $pipes));
    }

    public function certHash(Certificate $cert): string
    {
        $pipes = [];
        $arg = $this->certArg($cert, $pipes);
        return trim($this->must(['esia', 'cert-hash', $arg], '', $pipes));
    }

    public function pkce(string $method): array
    {
        $json = json_decode($this->must(['esia', 'pkce', '--method=' . $method]), true, 4, JSON_THROW_ON_ERROR);
        return [(string) $json['code_verifier'], (string) $json['code_challenge']];
    }

    public function hash(string $data, int $bits): string
    {
        $hex = trim($this->must(['hash', '--alg', $bits === 512 ? 'streebog512' : 'streebog256', '-'], $data));
        return (string) hex2bin($hex);
    }

    public function verifyJwt(string $token, array $trust, array $options): array
    {
        $pipes = [];
        $args = ['jwt', 'verify'];
        foreach ($trust as $c) {
            $args[] = '--trust';
            $args[] = $this->certArg($c, $pipes);
        }
        if (($options['client_id'] ?? null) !== null) {
            $args[] = '--client-id=' . $options['client_id'];
        }
        foreach ($options['issuers'] ?? [] as $iss) {
            $args[] = '--issuer=' . $iss;
        }
        if (($options['now'] ?? null) !== null) {
            $args[] = '--now=' . (int) $options['now'];
        }
        if (($options['leeway'] ?? null) !== null) {
            $args[] = '--leeway=' . (int) $options['leeway'];
        }
        $args[] = '-';
        [$code, $out, $err] = $this->run($args, $token, $pipes);
        if ($code === 1) {
            throw new JwtException(preg_replace('/^token rejected: /', '', self::message($err)), $code);
        }
        if ($code !== 0) {
            throw new JwtException(self::message($err), $code);
        }
        $json = json_decode($out, true, 64, JSON_THROW_ON_ERROR);
        return $json['claims'];
    }

    public function verifyJwtSignature(string $signingInput, string $signature, string $alg, array $trust): bool
    {
        if ($alg !== 'GOST3410_2012_256' && $alg !== 'GOST3410_2012_512') {
            if ($alg === 'RS256') {
                throw new GostcmsException('RS256 signature-only checks are not available through the gostcms CLI (use the FFI back end)');
            }
            return false;
        }
        $want = $alg === 'GOST3410_2012_256' ? 64 : 128;
        if (\strlen($signature) !== $want) {
            return false;
        }
        foreach ($trust as $cert) {
            try {
                if ($this->verify($cert, $signingInput, $signature)) {
                    return true;
                }
            } catch (FormatException) {
                // A certificate of another size or algorithm: try the next.
            }
        }
        return false;
    }
}
