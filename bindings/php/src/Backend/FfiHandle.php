<?php

declare(strict_types=1);

namespace Gostcms\Backend;

/** @internal A C handle and the function that frees it (zeroizing a key). */
final class FfiHandle implements Releasable
{
    public function __construct(private ?\FFI $ffi, public ?\FFI\CData $ptr, private string $free)
    {
    }

    public function release(): void
    {
        if ($this->ffi !== null && $this->ptr !== null) {
            $this->ffi->{$this->free}($this->ptr);
        }
        $this->ptr = null;
        $this->ffi = null;
    }

    public function __destruct()
    {
        $this->release();
    }

    /** @return array<string, string> */
    public function __debugInfo(): array
    {
        return ['handle' => $this->free];
    }
}
