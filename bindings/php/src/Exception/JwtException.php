<?php

declare(strict_types=1);

namespace Gostcms\Exception;

/**
 * A token rejected: expired, wrong issuer or audience, bad signature, unknown alg (the message says which).
 */
class JwtException extends GostcmsException
{
}
