#!/usr/bin/env node
// Independent client for wsserver/e2e_test.go, built on the npm "ws" package
// (https://github.com/websockets/ws), installed with `npm ci` in this folder.
//
// usage: node node_client.js '<json array of cases>'
// Each case: {name, url, host?, protocols?, op, size?, count?, duration?, ca?}
// (ca: a PEM file trusted alone for a wss:// url; host is then also the SNI name)
//   op "echo":    send `count` text messages of `size` bytes, expect them back, close 1000
//   op "refused": expect the handshake to fail; report the HTTP status
//   op "pongs":   stay connected `duration` ms and record unsolicited pong/ping events
//   op "limit":   send one binary message of `size` bytes; report echo or close code
// Prints one JSON array with a result object per case (all cases run concurrently).
"use strict";
const WebSocket = require("ws");

function payload(n) {
  const unit = "appcmd-websocket-test-0123456789-";
  return unit.repeat(Math.ceil(n / unit.length) + 1).slice(0, n);
}

function run(c) {
  return new Promise((resolve) => {
    const res = { name: c.name, opened: false };
    const opts = { handshakeTimeout: 5000 }; // perMessageDeflate stays on: ws offers it by default
    if (c.host) opts.headers = { Host: c.host };
    if (c.ca) {
      opts.ca = require("fs").readFileSync(c.ca);
      if (c.host) opts.servername = c.host;
    }
    let t0 = 0;
    let ws;
    try {
      ws = new WebSocket(c.url, c.protocols || [], opts);
    } catch (e) {
      res.error = String(e);
      return resolve(res);
    }
    const finish = () => resolve(res);
    const timer = setTimeout(() => { res.error = (res.error || "") + " timeout"; ws.terminate(); }, 15000);
    ws.on("unexpected-response", (req, r) => {
      res.status = r.statusCode;
      r.resume();
      ws.terminate();
    });
    ws.on("error", (e) => { res.error = e.message; });
    ws.on("open", () => {
      t0 = Date.now();
      res.opened = true;
      res.protocol = ws.protocol;
      res.extensions = ws.extensions;
      if (c.op === "echo") {
        const want = payload(c.size || 64);
        res.echoed = 0;
        res.mismatch = 0;
        ws.on("message", (data, isBinary) => {
          if (!isBinary && data.toString() === want) res.echoed++; else res.mismatch++;
          if (res.echoed + res.mismatch === (c.count || 1)) ws.close(1000);
        });
        for (let i = 0; i < (c.count || 1); i++) ws.send(want);
      } else if (c.op === "pongs") {
        res.pongs = [];
        res.pings = [];
        ws.on("pong", () => res.pongs.push(Date.now() - t0));
        ws.on("ping", () => res.pings.push(Date.now() - t0));
        setTimeout(() => ws.close(1000), c.duration || 1000);
      } else if (c.op === "limit") {
        res.echoed = false;
        ws.on("message", (data) => { res.echoed = data.length === c.size; ws.close(1000); });
        ws.send(Buffer.alloc(c.size, 0x61));
      } else {
        ws.close(1000);
      }
    });
    ws.on("close", (code, reason) => {
      clearTimeout(timer);
      res.closeCode = code;
      res.closeReason = reason.toString();
      if (t0) res.durationMs = Date.now() - t0;
      finish();
    });
  });
}

(async () => {
  const cases = JSON.parse(process.argv[2]);
  const results = await Promise.all(cases.map(run));
  process.stdout.write(JSON.stringify(results) + "\n");
})();
