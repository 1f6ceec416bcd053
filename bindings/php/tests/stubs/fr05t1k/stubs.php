<?php

// Minimal copies of fr05t1k/esia's interfaces and exceptions, written from
// their signatures (fr05t1k/esia 3.x): the library is not installed in the
// tests. ilimurzin/esia declares an identical Esia\Signer\SignerInterface,
// hence the guards.

namespace Esia\Exceptions {
    if (!class_exists(AbstractEsiaException::class, false)) {
        abstract class AbstractEsiaException extends \Exception
        {
        }
    }
    if (!class_exists(InvalidTokenException::class, false)) {
        class InvalidTokenException extends AbstractEsiaException
        {
        }
    }
    if (!class_exists(SignatureInvalidException::class, false)) {
        class SignatureInvalidException extends InvalidTokenException
        {
        }
    }
}

namespace Esia\Signer\Exceptions {
    if (!class_exists(SignFailException::class, false)) {
        class SignFailException extends \Esia\Exceptions\AbstractEsiaException
        {
        }
    }
}

namespace Esia\Signer {
    if (!interface_exists(SignerInterface::class, false)) {
        interface SignerInterface
        {
            /** @throws Exceptions\SignFailException */
            public function sign(string $message): string;
        }
    }
}

namespace Esia\Token {
    if (!interface_exists(SignatureVerifierInterface::class, false)) {
        interface SignatureVerifierInterface
        {
            /** @throws \Esia\Exceptions\SignatureInvalidException */
            public function verify(string $signingInput, string $signature, string $algorithm): void;
        }
    }
}
