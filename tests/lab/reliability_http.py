"""HTTP access to the lab's masters for reliability-workload.py and reliability-check.py (standard library only)."""
import http.client
import json
import urllib.parse


class Api:
    """Calls one master at a time; moves on to the next after no answer or a 5xx (followers forward to the leader)."""

    def __init__(self, urls, token, timeout=3.0):
        self.urls = [u for u in urls if u]
        self.token = token
        self.timeout = timeout
        self.current = 0

    def once(self, url, method, path, body=None, timeout=None):
        parts = urllib.parse.urlsplit(url)
        # https: the default context verifies against SSL_CERT_FILE (the lab's cluster CA) and checks the address.
        kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        conn = kind(parts.hostname, parts.port, timeout=timeout or self.timeout)
        try:
            headers = {"Authorization": "Bearer " + self.token}
            data = None
            if body is not None:
                headers["Content-Type"] = "application/json"
                data = json.dumps(body)
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            raw = resp.read()
            try:
                parsed = json.loads(raw) if raw else None
            except ValueError:
                parsed = None
            return resp.status, parsed
        except (OSError, http.client.HTTPException):
            return 0, None
        finally:
            conn.close()

    def call(self, method, path, body=None, timeout=None):
        """One attempt through the current master; a write is never sent twice (the caller decides)."""
        code, parsed = self.once(self.urls[self.current], method, path, body, timeout)
        if code == 0 or code >= 500:
            self.current = (self.current + 1) % len(self.urls)
        return code, parsed

    def get(self, path, attempts=6):
        """A read, retried through each master in turn until one answers 200; (code, body) of the last try."""
        code, parsed = 0, None
        for _ in range(attempts):
            code, parsed = self.call("GET", path)
            if code == 200:
                return code, parsed
        return code, parsed
