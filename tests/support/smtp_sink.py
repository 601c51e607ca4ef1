"""An SMTP server on loopback for the tests: keeps every message exactly as
received (envelope.original_content) in a folder, one file per message.

usage: smtp_sink.py PORT FOLDER   (prints "ready" once it listens)
"""
import os
import sys
import time

from aiosmtpd.controller import Controller


class Keep:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        path = os.path.join(self.folder, f"{self.count:05}.eml")
        with open(path, "wb") as f:
            f.write(envelope.original_content)
        return f"250 2.0.0 Ok: queued as {self.count:05}"


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Keep(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
