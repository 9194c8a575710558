# An app instance for mesh-lab.sh: answers every GET with its task id; /health fails (503) once /sick was asked.
import http.server
import os

TASK = os.environ.get("MINIMESOS_TASK_ID", "?")
sick = False


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        global sick
        if self.path == "/sick":
            sick = True
        body = (TASK + "\n").encode()
        self.send_response(503 if self.path == "/health" and sick else 200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("0.0.0.0", int(os.environ["PORT0"])), Handler).serve_forever()
