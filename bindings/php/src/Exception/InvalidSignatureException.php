<?php

declare(strict_types=1);

namespace Gostcms\Exception;

/**
 * A signature or CMS that does not verify.
 */
class InvalidSignatureException extends GostcmsException
{
}
