<?php

declare(strict_types=1);

namespace Gostcms\Backend;

/**
 * @internal A key or certificate for the command line: a path, or bytes
 * sent through a pipe (never a temporary file), and the key's password.
 * release() wipes the PHP copies (sodium_memzero, when ext-sodium is loaded).
 */
final class CliSource implements Releasable
{
    public function __construct(public ?string $path, public ?string $bytes, public ?string $password = null)
    {
    }

    public function release(): void
    {
        if (\function_exists('sodium_memzero')) {
            if ($this->bytes !== null) {
                sodium_memzero($this->bytes);
            }
            if ($this->password !== null) {
                sodium_memzero($this->password);
            }
        }
        $this->bytes = null;
        $this->password = null;
        $this->path = null;
    }

    public function __destruct()
    {
        $this->release();
    }

    /** @return array<string, string> */
    public function __debugInfo(): array
    {
        return ['source' => '(hidden)'];
    }
}
