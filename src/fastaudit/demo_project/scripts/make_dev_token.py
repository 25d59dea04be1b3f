"""Mint an access token for a local user and check it against a running server.

    python -m scripts.make_dev_token 7
"""

import sys
import time

import httpx
import jwt

from src.auth.config import auth_settings


def main(user_id: str) -> None:
    now = int(time.time())
    token = jwt.encode(
        {"sub": user_id, "purpose": "access", "iat": now, "exp": now + 3600},
        auth_settings.SECRET_KEY,
        algorithm=auth_settings.JWT_ALGORITHM,
    )
    me = httpx.get("http://localhost:8000/auth/me", headers={"Authorization": f"Bearer {token}"})
    print(token)
    print(me.status_code, me.json())


if __name__ == "__main__":
    main(sys.argv[1])
