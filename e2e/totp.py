"""The code an authenticator app shows for a base32 secret (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits).

The journeys sign in as the demo's accounts that must use two-factor sign-in, with the demo's published secret.
A code is taken once: signing in again as the same account within the same 30 seconds needs the next step's code,
which the site accepts (it allows one step of clock drift either way).
"""

import hashlib
import hmac
import struct
import time
from base64 import b32decode


def code(secret: str, steps_ahead: int = 0) -> str:
    key = b32decode(secret.replace(" ", "").upper())
    counter = int(time.time() // 30) + steps_ahead
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"
