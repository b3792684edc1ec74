#!/usr/bin/python3
"""Independent client for wsserver/e2e_test.go built on python3-websockets 10.4
(Debian package python3-websockets; run with Debian's /usr/bin/python3).

usage: websockets_client.py '<json array of cases>'
Each case: {name, addr: "127.0.0.1:PORT", host?, path, op, size?, count?, duration?, ca?}
(ca: a PEM file; the case then connects with wss://, trusting only it)
  op "echo":    send `count` text messages of `size` bytes, expect them back, close 1000
  op "refused": expect the handshake to fail; report the HTTP status
  op "pongs":   stay connected `duration` ms and record the server's unsolicited Pongs
  op "limit":   send one binary message of `size` bytes; report echo or close code
Prints one JSON array with a result object per case (cases run concurrently).
"""
import asyncio
import json
import socket
import ssl
import sys
import time

import websockets
import websockets.exceptions
from websockets.frames import Opcode
from websockets.legacy.client import WebSocketClientProtocol


class Recorder(WebSocketClientProtocol):
    """Records control frames as they are read (the public API hides Pongs
    that answer no Ping of ours)."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.t0 = time.monotonic()
        self.pong_times = []
        self.ping_times = []

    async def read_frame(self, max_size):
        frame = await super().read_frame(max_size)
        ms = round((time.monotonic() - self.t0) * 1000)
        if frame.opcode == Opcode.PONG:
            self.pong_times.append(ms)
        elif frame.opcode == Opcode.PING:
            self.ping_times.append(ms)
        return frame


def payload(n):
    unit = "appcmd-websocket-test-0123456789-"
    return (unit * (n // len(unit) + 2))[:n]


async def run(c):
    res = {"name": c["name"], "opened": False}
    host, port = c["addr"].rsplit(":", 1)
    sock = socket.create_connection((host, int(port)))
    scheme, tls = "ws", {}
    if c.get("ca"):  # wss://, trusting only this certificate
        scheme, tls = "wss", {"ssl": ssl.create_default_context(cafile=c["ca"]),
                              "server_hostname": c.get("host") or host}
    uri = "%s://%s:%s%s" % (scheme, c.get("host") or host, port, c.get("path", "/"))
    try:
        ws = await asyncio.wait_for(
            websockets.connect(uri, sock=sock, create_protocol=Recorder, ping_interval=None,
                               max_size=None, close_timeout=5, **tls),
            10)
    except websockets.exceptions.InvalidStatusCode as e:
        res["status"] = e.status_code
        sock.close()
        return res
    except Exception as e:  # noqa: BLE001 - report anything
        res["error"] = repr(e)
        sock.close()
        return res
    res["opened"] = True
    res["protocol"] = ws.subprotocol
    res["extensions"] = ws.response_headers.get("Sec-WebSocket-Extensions", "")
    ws.t0 = time.monotonic()
    op = c["op"]
    try:
        if op == "echo":
            want = payload(c.get("size", 64))
            res["echoed"] = 0
            for _ in range(c.get("count", 1)):
                await ws.send(want)
            for _ in range(c.get("count", 1)):
                got = await asyncio.wait_for(ws.recv(), 10)
                if got == want:
                    res["echoed"] += 1
            await ws.close(1000)
        elif op == "pongs":
            await asyncio.sleep(c.get("duration", 1000) / 1000)
            await ws.close(1000)
        elif op == "limit":
            await ws.send(b"a" * c["size"])
            got = await asyncio.wait_for(ws.recv(), 10)
            res["echoed"] = len(got) == c["size"]
            await ws.close(1000)
        else:
            await ws.close(1000)
    except websockets.exceptions.ConnectionClosed:
        pass
    except Exception as e:  # noqa: BLE001
        res["error"] = repr(e)
    await ws.wait_closed()
    res["closeCode"] = ws.close_rcvd.code if ws.close_rcvd else None
    res["closeSentCode"] = ws.close_sent.code if ws.close_sent else None
    res["durationMs"] = round((time.monotonic() - ws.t0) * 1000)
    res["pongs"] = ws.pong_times
    res["pings"] = ws.ping_times
    return res


async def main():
    cases = json.loads(sys.argv[1])
    results = await asyncio.gather(*(run(c) for c in cases))
    print(json.dumps(results))


asyncio.run(main())
