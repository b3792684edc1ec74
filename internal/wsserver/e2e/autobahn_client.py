#!/usr/bin/python3
"""Independent raw-frame client for wsserver/e2e_test.go built on
python3-autobahn (Debian packages python3-autobahn python3-twisted; run with
Debian's /usr/bin/python3). Autobahn's sendFrame deliberately allows invalid
frames, which makes it a fuzzing client for the Autobahn categories the
server must handle.

usage: autobahn_client.py '<json array of cases>'
Each case: {name, url, op, size?, duration?}
  op "opcode3":      a frame with reserved opcode 3                 (expect 1002)
  op "fragping":     a Ping with FIN=0                              (expect 1002)
  op "rsv1":         a text frame with RSV1 and no extension        (expect 1002)
  op "badutf8":      a text message with invalid UTF-8              (expect 1007)
  op "badutf8frag":  invalid UTF-8 in the first of two fragments    (expect 1007)
  op "bigframe":     one binary frame of `size` bytes: echoed, then close 1000, or 1009 over the limit
  op "pongs":        stay `duration` ms, record unsolicited Pongs, close 1000
  op "echo":         text message of `size` bytes split into 3 fragments, expect it back
Prints one JSON array with a result object per case (cases run concurrently).
"""
import json
import sys
import time

import txaio

txaio.use_twisted()

from autobahn.twisted.websocket import WebSocketClientFactory, WebSocketClientProtocol  # noqa: E402
from twisted.internet import reactor  # noqa: E402

results = {}
pending = []


class Proto(WebSocketClientProtocol):
    def onOpen(self):
        c = self.factory.case
        self.res = results[c["name"]]
        self.res["opened"] = True
        self.t0 = time.monotonic()
        self.res["pongs"] = []
        self.res["messages"] = []
        op = c["op"]
        if op == "opcode3":
            self.sendFrame(opcode=3, payload=b"x")
        elif op == "fragping":
            self.sendFrame(opcode=9, payload=b"x", fin=False)
        elif op == "rsv1":
            self.sendFrame(opcode=1, payload=b"x", rsv=4)
        elif op == "badutf8":
            self.sendFrame(opcode=1, payload=b"bad \xff\xfe utf-8")
        elif op == "badutf8frag":
            self.sendFrame(opcode=1, payload=b"\xce\xba\xff", fin=False)
            self.sendFrame(opcode=0, payload=b"tail", fin=True)
        elif op == "bigframe":
            self.sendFrame(opcode=2, payload=b"a" * c["size"])
        elif op == "pongs":
            reactor.callLater(c.get("duration", 1000) / 1000.0, self.sendClose, 1000)
        elif op == "echo":
            data = (b"abcdefghij" * (c["size"] // 10 + 1))[: c["size"]]
            third = len(data) // 3
            self.want = data
            self.sendFrame(opcode=1, payload=data[:third], fin=False)
            self.sendFrame(opcode=0, payload=data[third:2 * third], fin=False)
            self.sendFrame(opcode=0, payload=data[2 * third:], fin=True)

    def onPong(self, payload):
        self.res["pongs"].append(round((time.monotonic() - self.t0) * 1000))

    def onMessage(self, payload, isBinary):
        self.res["messages"].append(len(payload))
        op = self.factory.case["op"]
        if op == "echo":
            self.res["echoed"] = (payload == self.want) and not isBinary
            self.sendClose(1000)
        elif op == "bigframe":
            self.res["echoed"] = len(payload) == self.factory.case["size"] and isBinary
            self.sendClose(1000)

    def onClose(self, wasClean, code, reason):
        res = results[self.factory.case["name"]]
        res["wasClean"] = wasClean
        res["closeCode"] = code
        res["closeReason"] = reason
        res["remoteCloseCode"] = self.remoteCloseCode
        if hasattr(self, "t0"):
            res["durationMs"] = round((time.monotonic() - self.t0) * 1000)
        done(self.factory.case["name"])


def done(name):
    if name in pending:
        pending.remove(name)
    if not pending and reactor.running:
        reactor.stop()


def main():
    cases = json.loads(sys.argv[1])
    for c in cases:
        results[c["name"]] = {"name": c["name"], "opened": False}
        pending.append(c["name"])
        f = WebSocketClientFactory(c["url"])
        f.protocol = Proto
        f.case = c
        f.setProtocolOptions(openHandshakeTimeout=5, closeHandshakeTimeout=5, serverConnectionDropTimeout=5)
        host_port = c["url"].split("/")[2]
        host, port = host_port.rsplit(":", 1)
        reactor.connectTCP(host, int(port), f, timeout=5)
    reactor.callLater(20, reactor.stop)
    reactor.run()
    print(json.dumps([results[c["name"]] for c in cases]))


main()
