"""Signed verification links for certificates and permits.

A certificate's QR code carries ``{base_url}/verify/{number}?s={signature}``. The
signature is ``"{kid}.{base64url(HMAC-SHA256(key, message))}"`` over the document kind,
its number and the SHA-256 of its canonical content (see `content_sha256`).

Why HMAC with key ids, not public-key signatures: the link is only ever checked by our own
``/verify`` endpoint, which holds the keys anyway, so a shared-secret MAC gives the same
tamper evidence with a shorter QR payload and no key-distribution story. The key id in the
signature lets us rotate keys: the first configured key signs new documents and every
configured key still verifies, so certificates issued under an old key stay valid until
that key is deliberately removed from the configuration (which then invalidates them).
A third party that wants to check offline would need public-key signatures; nobody does.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from urllib.parse import quote

_KID_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_MIN_KEY_BYTES = 16
_DOMAIN = "jwtb-verify-v1"  # binds the MAC to this use; change it to invalidate every link


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def content_sha256(fields: Mapping[str, object]) -> str:
    """Hex SHA-256 of a certificate's canonical content.

    The PDF itself embeds the signed link, so the signature cannot cover the PDF bytes;
    it covers the facts printed on it instead: canonical JSON (sorted keys, UTF-8, no
    whitespace) of `fields`. Values are converted with ``str`` (dates → ISO 8601).
    """
    canonical = json.dumps(
        {str(k): str(v) for k, v in fields.items()},
        ensure_ascii=False, sort_keys=True, separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _message(kind: str, number: str, content_hash: str) -> bytes:
    for name, value in (("kind", kind), ("number", number), ("content_sha256", content_hash)):
        if not isinstance(value, str) or not value or "\x1f" in value:
            raise ValueError(f"{name} must be a non-empty string without control separators")
    return "\x1f".join((_DOMAIN, kind, number, content_hash)).encode("utf-8")


class SigningKeys:
    """Keys from a config string ``"kid:hexkey,kid2:hexkey"``; the first key signs."""

    def __init__(self, config: str):
        keys: dict[str, bytes] = {}
        for part in (config or "").split(","):
            part = part.strip()
            if not part:
                continue
            kid, sep, hexkey = part.partition(":")
            kid, hexkey = kid.strip(), hexkey.strip()
            if not sep or not _KID_RE.match(kid):
                raise ValueError(f"bad signing key entry {kid!r}: expected kid:hexkey")
            if kid in keys:
                raise ValueError(f"duplicate signing key id {kid!r}")
            try:
                key = bytes.fromhex(hexkey)
            except ValueError:
                raise ValueError(f"signing key {kid!r} is not hex") from None
            if len(key) < _MIN_KEY_BYTES:
                raise ValueError(f"signing key {kid!r} is shorter than {_MIN_KEY_BYTES} bytes")
            keys[kid] = key
        if not keys:
            raise ValueError("no signing keys configured")
        self._keys = keys
        self.signing_kid = next(iter(keys))

    @property
    def key_ids(self) -> tuple[str, ...]:
        return tuple(self._keys)

    def __repr__(self) -> str:  # never print key material
        return f"SigningKeys(kids={list(self._keys)!r})"

    def _mac(self, key: bytes, kind: str, number: str, content_hash: str) -> bytes:
        return hmac.new(key, _message(kind, number, content_hash), hashlib.sha256).digest()

    def sign(self, kind: str, number: str, content_sha256: str) -> str:
        """``"{kid}.{base64url MAC}"`` with the first (current) key."""
        mac = self._mac(self._keys[self.signing_kid], kind, number, content_sha256)
        return f"{self.signing_kid}.{_b64url(mac)}"

    def verify(self, kind: str, number: str, content_sha256: str, signature: str) -> bool:
        """True only if `signature` was made by one of our keys over exactly these values."""
        if not isinstance(signature, str):
            return False
        kid, sep, encoded = signature.partition(".")
        key = self._keys.get(kid)
        if not sep or key is None:
            return False
        try:
            expected = _b64url(self._mac(key, kind, number, content_sha256))
        except ValueError:
            return False
        return hmac.compare_digest(expected.encode("ascii"), encoded.encode("utf-8", "replace"))


def check_code(signature: str) -> str:
    """核验码: 8 characters derived from a certificate's signature, printed on it beside the QR
    code, so that someone holding the paper can verify it by typing its number and this code
    (a signature is too long to type). Base32 without the look-alikes' trouble: A–Z and 2–7."""
    digest = hashlib.sha256(f"check-code|{signature}".encode()).digest()
    code = base64.b32encode(digest).decode("ascii")[:8]
    return f"{code[:4]}-{code[4:]}"


def normalise_check_code(typed: str) -> str:
    """What a person typed, as `check_code` prints it (case, spaces and dashes do not matter;
    0/1/8 read as the letters O/I/B they are mistaken for)."""
    letters = "".join(ch for ch in typed.upper() if ch.isalnum()).translate(str.maketrans("018", "OIB"))[:8]
    return f"{letters[:4]}-{letters[4:]}"


def verification_url(base_url: str, number: str, signature: str) -> str:
    """``{base_url}/verify/{number}?s={signature}``, with both parts percent-encoded."""
    return (
        f"{base_url.rstrip('/')}/verify/{quote(number, safe='')}"
        f"?s={quote(signature, safe='')}"
    )
