"""Screenshot a page of the running Odoo as a logged-in user, with headless Chromium.

    .venv/bin/python scripts/screenshot.py URL_PATH OUT.png [--login admin --password admin]

Drives Chromium over the DevTools protocol (websocket-client), so it needs no
browser download of its own: Debian's chromium is enough.
"""

import argparse
import base64
import json
import subprocess
import tempfile
import time

import requests
import websocket


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path", help="e.g. /odoo/crm")
    parser.add_argument("out")
    parser.add_argument("--base", default="http://127.0.0.1:8069")
    parser.add_argument("--db", default="training_crm")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--lang", default=None, help="e.g. zh_CN")
    parser.add_argument("--size", default="1440,900")
    parser.add_argument("--wait", type=float, default=6.0)
    args = parser.parse_args()

    session = requests.Session()
    response = session.post(
        f"{args.base}/web/session/authenticate",
        json={"params": {"db": args.db, "login": args.login, "password": args.password}},
        timeout=30,
    )
    response.raise_for_status()
    uid = response.json()["result"]["uid"]
    if args.lang:
        session.post(
            f"{args.base}/web/dataset/call_kw/res.users/write",
            json={
                "params": {
                    "model": "res.users",
                    "method": "write",
                    "args": [[uid], {"lang": args.lang}],
                    "kwargs": {},
                }
            },
            timeout=30,
        ).raise_for_status()
    cookie = session.cookies["session_id"]

    port = 9333
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        chrome = subprocess.Popen(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                f"--window-size={args.size}",
                f"--remote-debugging-port={port}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(50):
                try:
                    pages = requests.get(f"http://127.0.0.1:{port}/json", timeout=1).json()
                    break
                except requests.ConnectionError:
                    time.sleep(0.2)
            page = next(p for p in pages if p["type"] == "page")
            ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30)
            counter = iter(range(1, 1000))

            def call(method, **params):
                msg_id = next(counter)
                ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
                while True:
                    msg = json.loads(ws.recv())
                    if msg.get("id") == msg_id:
                        return msg.get("result", {})

            width, height = (int(v) for v in args.size.split(","))
            call(
                "Emulation.setDeviceMetricsOverride",
                width=width,
                height=height,
                deviceScaleFactor=1,
                mobile=False,
            )
            call("Network.enable")
            call("Network.setCookie", name="session_id", value=cookie, url=args.base)
            call("Page.navigate", url=args.base + args.path)
            time.sleep(args.wait)
            shot = call("Page.captureScreenshot", format="png")
            with open(args.out, "wb") as out:
                out.write(base64.b64decode(shot["data"]))
            ws.close()
        finally:
            chrome.terminate()
            chrome.wait()


if __name__ == "__main__":
    main()
