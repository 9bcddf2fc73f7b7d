#!/usr/bin/env python3
"""mkrootfs-debian.py - build build/debian.cpio, a Debian root file system for nest.

`make rootfs` runs it. The packages named in tools/debian-packages.txt, with the library
packages (lib*) they depend on according to apt-cache (Depends and Pre-Depends, the first of
each list of alternatives, recursively), are fetched with `apt-get download` into
BUILD/debian/debs/ (a cache: a package already there is not fetched again) and unpacked with
`dpkg-deb -x`. Then: Debian's merged-/usr layout (/bin, /sbin, /lib, /lib64 are links into
/usr), no documentation, manual pages or locales, /etc/passwd, group, nsswitch.conf and
hostname, an ld.so.cache made for the image (`ldconfig -r`), nest's own programs under
/nest/bin with nest's init as /sbin/init, and /bin/sh as Debian's bash.
Python standard library only.
"""
import argparse
import glob
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE_LIST = os.path.join(ROOT, "tools", "debian-packages.txt")
MERGED_DIRS = ["bin", "sbin", "lib", "lib64"]  # links into /usr, as on Debian
DROPPED = ["usr/share/doc", "usr/share/man", "usr/share/info", "usr/share/locale",
           "usr/share/lintian", "usr/share/bug", "usr/share/bash-completion",
           "usr/share/zsh", "usr/share/fish", "usr/share/gcc", "usr/share/gdb",
           "usr/lib/x86_64-linux-gnu/gconv"]  # charset converters: the C locale needs none
ETC_FILES = {
    "etc/passwd": "root:x:0:0:root:/root:/bin/bash\n",
    "etc/group": "root:x:0:\n",
    "etc/nsswitch.conf": "passwd: files\ngroup: files\nshadow: files\nhosts: files\n",
    "etc/hostname": "nest\n",
}


def say(text):
    print("rootfs: " + text, flush=True)


def listed_packages():
    names = []
    with open(PACKAGE_LIST, encoding="utf-8") as source:
        for line in source:
            name = line.split("#", 1)[0].strip()
            if name:
                names.append(name)
    return names


def dependencies(packages):
    """What each of PACKAGES depends on: the first of each list of alternatives, virtual
    packages (shown as <name>) left out. One apt-cache run for them all: each run reads the
    whole package cache."""
    out = subprocess.run(["apt-cache", "depends", "--no-recommends", "--no-suggests",
                          "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances"]
                         + packages, capture_output=True, text=True, check=True).stdout
    found = {}
    current = None
    skip_next = False
    for line in out.splitlines():
        if not line.startswith(" "):
            current = found.setdefault(line.strip(), [])
            skip_next = False
            continue
        text = line.strip()
        alternative = text.startswith("|")  # "this one or the next"
        kind, _, name = text.lstrip("|").partition(":")
        if kind in ("Depends", "PreDepends") and not skip_next and \
                not name.strip().startswith("<"):
            current.append(name.strip())
        if kind in ("Depends", "PreDepends"):
            skip_next = alternative
    return found


def resolve(wanted):
    """WANTED and, recursively, the library packages they depend on."""
    chosen = set(wanted)
    level = list(wanted)
    while level:
        found = dependencies(level)
        level = []
        for names in found.values():
            for name in names:
                if name.startswith("lib") and name not in chosen:
                    chosen.add(name)
                    level.append(name)
    return sorted(chosen)


def fetch(packages, debs):
    """The .deb file of each package, downloading the ones not in DEBS yet."""
    os.makedirs(debs, exist_ok=True)
    files = {}
    missing = []
    for package in packages:
        found = glob.glob(os.path.join(debs, package + "_*.deb"))
        if found:
            files[package] = found[0]
        else:
            missing.append(package)
    if missing:
        say("apt-get download " + " ".join(missing))
        subprocess.run(["apt-get", "download", "-q"] + missing, cwd=debs, check=True,
                       stdout=subprocess.DEVNULL)
        for package in missing:
            found = glob.glob(os.path.join(debs, package + "_*.deb"))
            if not found:
                sys.exit("rootfs: apt-get download gave no .deb for " + package)
            files[package] = found[0]
    return [files[p] for p in packages]


def merge_usr(staging):
    """Move /bin, /sbin, /lib, /lib64 into /usr and leave links in their place."""
    for name in MERGED_DIRS:
        top = os.path.join(staging, name)
        inside = os.path.join(staging, "usr", name)
        os.makedirs(inside, exist_ok=True)
        if os.path.isdir(top) and not os.path.islink(top):
            subprocess.run(["cp", "-a", top + "/.", inside + "/"], check=True)
            shutil.rmtree(top)
        if not os.path.lexists(top):
            os.symlink("usr/" + name, top)


def install_nest_programs(staging, programs):
    """nest's own programs in /nest/bin, stripped; its init as /sbin/init."""
    directory = os.path.join(staging, "nest", "bin")
    os.makedirs(directory, exist_ok=True)
    for program in programs:
        target = os.path.join(directory, os.path.basename(program))
        subprocess.run(["install", "-m", "755", "-s", program, target], check=True)
    init = os.path.join(staging, "usr", "sbin", "init")
    if os.path.lexists(init):
        os.remove(init)
    os.symlink("/nest/bin/init", init)


def finish(staging):
    for path in DROPPED:
        shutil.rmtree(os.path.join(staging, path), ignore_errors=True)
    for path, text in ETC_FILES.items():
        with open(os.path.join(staging, path), "w", encoding="utf-8") as out:
            out.write(text)
    # Links dpkg's maintainer scripts would make (update-alternatives), which -x does not run.
    for link, target in (("sh", "bash"), ("awk", "mawk")):
        path = os.path.join(staging, "usr", "bin", link)
        if not os.path.lexists(path) and os.path.exists(os.path.join(staging, "usr", "bin", target)):
            os.symlink(target, path)
    for name in ("proc", "dev", "sys", "run", "root", "tmp", "var/tmp"):
        os.makedirs(os.path.join(staging, name), exist_ok=True)
    os.chmod(os.path.join(staging, "tmp"), 0o1777)
    subprocess.run(["ldconfig", "-r", staging], check=True)


def pack(staging, out):
    names = subprocess.run("find . -mindepth 1 | LC_ALL=C sort", shell=True, cwd=staging,
                           capture_output=True, check=True).stdout
    with open(out, "wb") as archive:
        subprocess.run(["cpio", "--quiet", "-o", "-H", "newc", "--owner=0:0"], cwd=staging,
                       input=names, stdout=archive, check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--out", required=True)
    parser.add_argument("programs", nargs="*", help="nest's own programs, for /nest/bin")
    args = parser.parse_args()
    packages = resolve(listed_packages())
    say("%d packages: %s" % (len(packages), " ".join(packages)))
    debs = fetch(packages, os.path.join(args.build, "debian", "debs"))
    staging = os.path.join(args.build, "debian", "root")
    shutil.rmtree(staging, ignore_errors=True)
    os.makedirs(staging)
    for deb in debs:
        subprocess.run(["dpkg-deb", "-x", deb, staging], check=True)
    merge_usr(staging)
    install_nest_programs(staging, args.programs)
    finish(staging)
    pack(staging, args.out)
    say("%s: %.1f MiB" % (args.out, os.path.getsize(args.out) / 2**20))


if __name__ == "__main__":
    main()
