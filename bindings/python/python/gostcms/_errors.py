"""The exceptions of gostcms: every one is a subclass of :class:`Error`."""

__all__ = ["Error", "InvalidSignature", "WrongPassword", "FormatError", "JwtError"]


class Error(Exception):
    """Base class of every gostcms error."""


class InvalidSignature(Error):
    """A signature or CMS SignedData that does not verify."""


class WrongPassword(Error):
    """A wrong PIN or password, or none given where one is needed (the message says which)."""


class FormatError(Error, ValueError):
    """Unreadable input or an unacceptable value; the message names the field at fault.

    Also a ValueError, so ``except ValueError`` catches it too.
    """


class JwtError(Error):
    """A token rejected: expired, wrong issuer or audience, bad signature, unknown alg (the message says which)."""
