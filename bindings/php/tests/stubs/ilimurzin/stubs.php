<?php

// Minimal copies of ilimurzin/esia's signer interface and exception,
// written from their signatures: the library is not installed in the
// tests. fr05t1k/esia declares an identical Esia\Signer\SignerInterface,
// hence the guards.

namespace Esia\Exceptions {
    if (!class_exists(EsiaException::class, false)) {
        abstract class EsiaException extends \RuntimeException
        {
        }
    }
}

namespace Esia\Signer\Exceptions {
    if (!class_exists(SignException::class, false)) {
        final class SignException extends \Esia\Exceptions\EsiaException
        {
        }
    }
}

namespace Esia\Signer {
    if (!interface_exists(SignerInterface::class, false)) {
        interface SignerInterface
        {
            /** @throws Exceptions\SignException */
            public function sign(string $message): string;
        }
    }
}
