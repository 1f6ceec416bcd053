<?php

declare(strict_types=1);

namespace Gostcms\Backend;

/** @internal Something a Key or Certificate frees or wipes when destroyed. */
interface Releasable
{
    public function release(): void;
}
