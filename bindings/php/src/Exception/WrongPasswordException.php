<?php

declare(strict_types=1);

namespace Gostcms\Exception;

/**
 * A wrong PIN or password, or none given where one is needed: the message
 * says which, and isPasswordRequired() tells them apart.
 */
class WrongPasswordException extends GostcmsException
{
    public function __construct(string $message, int $code = 0, private bool $passwordRequired = false, ?\Throwable $previous = null)
    {
        parent::__construct($message, $code, $previous);
    }

    /** True when the key is protected and no PIN or password was given. */
    public function isPasswordRequired(): bool
    {
        return $this->passwordRequired;
    }
}
