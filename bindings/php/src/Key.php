<?php

declare(strict_types=1);

namespace Gostcms;

/**
 * A private key loaded by Gostcms::loadKey(). Opaque: what holds the key
 * (a C handle, or the source and password for the command line) lives
 * outside the object's properties, so var_dump, print_r, var_export,
 * (array) casts and serialize() never show it. Released (the C key
 * zeroized, the PHP copies wiped with sodium_memzero where available) when
 * the object is destroyed. Not serializable, not clonable.
 */
final class Key
{
    /** @var \WeakMap<Key, object>|null */
    private static ?\WeakMap $secrets = null;

    /** @internal Made by a back end; use Gostcms::loadKey(). */
    public function __construct(private string $backend, private string $curve, object $secret)
    {
        self::$secrets ??= new \WeakMap();
        self::$secrets[$this] = $secret;
    }

    /** The parameter set as the CLI names it ("tc26-256-a", "cryptopro-a"...), "" when unknown. */
    public function curve(): string
    {
        return $this->curve;
    }

    /** @internal The back end's handle. */
    public function secret(string $backend): object
    {
        if ($backend !== $this->backend || self::$secrets === null || !isset(self::$secrets[$this])) {
            throw new Exception\GostcmsException("this Key was loaded by the {$this->backend} back end, not $backend");
        }
        return self::$secrets[$this];
    }

    /** @return array<string, string> */
    public function __debugInfo(): array
    {
        return ['backend' => $this->backend, 'curve' => $this->curve, 'secret' => '(hidden)'];
    }

    public function __serialize(): array
    {
        throw new \LogicException('a Gostcms\Key cannot be serialized');
    }

    public function __unserialize(array $data): void
    {
        throw new \LogicException('a Gostcms\Key cannot be unserialized');
    }

    public function __clone()
    {
        throw new \LogicException('a Gostcms\Key cannot be cloned');
    }

    public function __destruct()
    {
        if (self::$secrets !== null && isset(self::$secrets[$this])) {
            $secret = self::$secrets[$this];
            unset(self::$secrets[$this]);
            if ($secret instanceof Backend\Releasable) {
                $secret->release();
            }
        }
    }
}
