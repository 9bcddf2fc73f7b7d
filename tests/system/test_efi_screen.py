"""nest's own UEFI loader and the screen console (issue: gnu-efi loader and a console on the
screen): boot build/nest-efi.img on OVMF, a missing kernel, typing at the emulated PS/2
keyboard, and a screenshot of the framebuffer console."""
import os
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

from nest import BUILD, Nest

EFI_IMAGE = os.path.join(BUILD, "nest-efi.img")


class Monitor:
    """QEMU's human monitor on a Unix socket: sendkey, screendump."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX)
        for _ in range(100):  # QEMU creates the socket a moment after it starts
            try:
                self.sock.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                time.sleep(0.1)
        else:
            raise RuntimeError("QEMU monitor socket never appeared")
        self.read_until(b"(qemu) ")

    def read_until(self, marker):
        data = b""
        self.sock.settimeout(30)
        while not data.endswith(marker):
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            data += chunk
        return data.decode(errors="replace")

    def command(self, line):
        self.sock.sendall(line.encode() + b"\n")
        return self.read_until(b"(qemu) ")


def monitor_args():
    path = tempfile.mktemp(prefix="nest-monitor-")
    return path, ["-monitor", "unix:%s,server,nowait" % path]


def test_own_loader_boots_to_the_shell_on_ovmf():
    with Nest(disk=EFI_IMAGE, uefi=True, timeout=180) as nest:
        nest.expect(r"nest-efi: starting kernel", timeout=90)
        nest.expect(r"booted by nest-efi", timeout=30)
        nest.wait_for_prompt(timeout=60)
        assert nest.run("echo efi-ok") == "efi-ok"


def test_grub_iso_boots_to_the_shell_on_ovmf():
    with Nest("console=ttyS0", uefi=True, timeout=180) as nest:
        nest.expect(r"booted by multiboot2", timeout=90)
        nest.wait_for_prompt(timeout=60)
        assert nest.run("uname") == "nest"


def test_missing_kernel_gives_the_loaders_message():
    workdir = tempfile.mkdtemp()
    try:
        image = os.path.join(workdir, "broken.img")
        shutil.copy(EFI_IMAGE, image)
        subprocess.run(["mdel", "-i", image, "::/nest/kernel.elf"], check=True)
        with Nest(disk=image, uefi=True, timeout=120) as nest:
            nest.expect(r"nest-efi: cannot open \\nest\\kernel.elf: Not Found", timeout=90)
    finally:
        shutil.rmtree(workdir)


def test_typing_at_the_ps2_keyboard_reaches_the_shell():
    path, args = monitor_args()
    with Nest("console=ttyS0", timeout=180, extra_args=args) as nest:
        nest.wait_for_prompt(timeout=90)
        monitor = Monitor(path)
        for key in ["e", "c", "h", "o", "spc", "k", "b", "d", "shift-1", "ret"]:
            monitor.command("sendkey " + key)
        nest.expect(r"echo kbd!\r+\nkbd!\r+\n", timeout=30)  # the echo, then echo's output


def read_ppm(path):
    """(width, height, bytes of RGB pixels) of a binary PPM (P6) file."""
    with open(path, "rb") as f:
        data = f.read()
    fields = []
    pos = 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        start = pos
        while not data[pos:pos + 1].isspace():
            pos += 1
        fields.append(data[start:pos])
    assert fields[0] == b"P6", fields
    width, height = int(fields[1]), int(fields[2])
    return width, height, data[pos + 1:]


def test_screenshot_shows_the_banner_on_the_framebuffer():
    path, args = monitor_args()
    with Nest("console=ttyS0", timeout=180, extra_args=args) as nest:
        nest.wait_for_prompt(timeout=90)
        monitor = Monitor(path)
        shot = tempfile.mktemp(suffix=".ppm")
        monitor.command("screendump " + shot)
        try:
            width, height, pixels = read_ppm(shot)
        finally:
            if os.path.exists(shot):
                os.unlink(shot)
        assert (width, height) == (1280, 800), (width, height)
        # The banner is the first text on the screen: its rows (16 pixels each) are not all
        # background; far below the prompt, the screen is empty.
        def lit(row_from, row_to):
            return sum(1 for y in range(row_from, row_to) for x in range(0, width * 3, 3)
                       if pixels[y * width * 3 + x:y * width * 3 + x + 3] != b"\0\0\0")
        assert lit(0, 32) > 200, "no text in the banner rows"
        assert lit(700, 800) == 0, "pixels lit where the screen should be empty"
