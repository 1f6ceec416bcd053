<?php

declare(strict_types=1);

namespace Gostcms\Exception;

/**
 * Base of every error gostcms raises. The message names the problem; the
 * code is the C ABI's gostcms_status (FFI back end) or the CLI's exit code.
 */
class GostcmsException extends \RuntimeException
{
}
