<?php

declare(strict_types=1);

namespace Gostcms\Exception;

/**
 * Unreadable input: the message names the field at fault.
 */
class FormatException extends GostcmsException
{
}
