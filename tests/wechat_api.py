"""A server on loopback that answers like WeChat's API (api.weixin.qq.com), which tests cannot reach.

:func:`fake_wechat` starts it on a free port; point ``settings.WECHAT_API_URL`` at its ``url``.
It hands out numbered access tokens and JS-SDK tickets, keeps what it was asked, and can be told
to answer every request with an error code, to end the token it gave, or to answer slowly.
"""

import json
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

APPID = "wx5d0c6b7a3e2f1908"
SECRET = "c3b1e0d94f7a62851b0e9d4c7a3f6e21"
TOKEN_PATH = "/cgi-bin/token"
TICKET_PATH = "/cgi-bin/ticket/getticket"


class FakeWeChat:
    def __init__(self):
        self.url = ""
        self.requests = []  # (path, {parameter: value})
        self.expires_in = 7200
        self.error = None  # (errcode, errmsg) to answer every request with
        self.delay = 0.0
        self.tokens = 0
        self.tickets = 0
        self._lock = threading.Lock()

    def asked(self, path):
        with self._lock:
            return sum(1 for asked, _ in self.requests if asked == path)

    @property
    def token(self):
        return f"ACCESS_TOKEN_{self.tokens}"

    @property
    def ticket(self):
        return f"sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_{self.tickets}"

    def end_token(self):
        """As WeChat does when anyone fetches a new token for the account: the one given is refused."""
        with self._lock:
            self.tokens += 1

    def answer(self, path, params):
        with self._lock:
            self.requests.append((path, params))
            if self.error:
                code, message = self.error
                return {"errcode": code, "errmsg": message}
            if path == TOKEN_PATH:
                if (params.get("appid"), params.get("secret"), params.get("grant_type")) != (
                    APPID,
                    SECRET,
                    "client_credential",
                ):
                    return {"errcode": 40125, "errmsg": "invalid appsecret"}
                self.tokens += 1
                return {"access_token": self.token, "expires_in": self.expires_in}
            if path == TICKET_PATH:
                if params.get("access_token") != self.token or params.get("type") != "jsapi":
                    return {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"}
                self.tickets += 1
                return {"errcode": 0, "errmsg": "ok", "ticket": self.ticket, "expires_in": self.expires_in}
            return {"errcode": -1, "errmsg": "system error"}


@contextmanager
def fake_wechat():
    """A :class:`FakeWeChat` answering on ``127.0.0.1`` for as long as the block runs."""
    wechat = FakeWeChat()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            parts = urlsplit(self.path)
            params = {name: values[0] for name, values in parse_qs(parts.query).items()}
            time.sleep(wechat.delay)
            body = json.dumps(wechat.answer(parts.path, params)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json; encoding=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    wechat.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield wechat
    finally:
        server.shutdown()
        server.server_close()
