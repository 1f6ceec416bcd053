<?php

// Minimal copies of ekapusta/oauth2-esia's signer interface and exception,
// and of the lcobucci/jwt (4.x) Signer and Key interfaces its provider
// takes as "remoteSigner", written from their signatures: the libraries
// are not installed in the tests.

namespace Ekapusta\OAuth2Esia\Interfaces\Security {
    interface SignerInterface
    {
        /**
         * @param string $message
         * @return string
         */
        public function sign($message);
    }
}

namespace Ekapusta\OAuth2Esia\Security\Signer\Exception {
    class SignException extends \Exception
    {
    }
}

namespace Lcobucci\JWT\Signer {
    interface Key
    {
        public function contents(): string;

        public function passphrase(): string;
    }
}

namespace Lcobucci\JWT {
    interface Signer
    {
        public function algorithmId(): string;

        public function sign(string $payload, Signer\Key $key): string;

        public function verify(string $expected, string $payload, Signer\Key $key): bool;
    }
}
