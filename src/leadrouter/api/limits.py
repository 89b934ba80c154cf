"""A request body size limit, enforced before the body reaches JSON parsing.

Checks Content-Length up front and counts streamed bytes too (chunked uploads carry no length),
answering 413 in the API's error shape. Pure ASGI, so it adds no per-request object churn.
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOO_LARGE = 413


def within(content_length: bytes, max_bytes: int) -> bool:
    """Whether a Content-Length header's value is a length of at most `max_bytes`."""
    return content_length.isdigit() and int(content_length) <= max_bytes


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.message = f"request body over {max_bytes} bytes"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length" and not within(value, self.max_bytes):
                await self._reject(send)
                return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # An HTTPException passes through FastAPI's body parsing untouched and
                    # reaches the API's error handler.
                    raise HTTPException(TOO_LARGE, self.message)
            return message

        await self.app(scope, limited_receive, send)

    async def _reject(self, send: Send) -> None:
        body = {"code": "payload_too_large", "message": self.message, "errors": []}
        data = json.dumps(body).encode()
        await send(
            {
                "type": "http.response.start",
                "status": TOO_LARGE,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(data)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": data})
