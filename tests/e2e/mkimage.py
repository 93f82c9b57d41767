#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""mkimage.py BUSYBOX OUT.tar NAME: writes an OCI image archive (oci-layout,
index.json, blobs/sha256/...) of a one-layer busybox image, built here from a
static busybox binary, so that the engine tests need no registry.

The index names the image twice: io.containerd.image.name for `ctr images
import` and org.opencontainers.image.ref.name for `podman load`."""
import hashlib
import io
import json
import subprocess
import sys
import tarfile

MTIME = 1700000000  # fixed: the same inputs give the same digests


def add(tar, name, kind, data=b"", mode=0o755, target="", uid=0, gid=0):
    ti = tarfile.TarInfo(name)
    ti.mtime = MTIME
    ti.mode = mode
    ti.uid, ti.gid = uid, gid
    ti.type = kind
    if kind == tarfile.SYMTYPE:
        ti.linkname = target
        tar.addfile(ti)
    elif kind == tarfile.DIRTYPE:
        tar.addfile(ti)
    else:
        ti.size = len(data)
        tar.addfile(ti, io.BytesIO(data))


def layer(busybox):
    with open(busybox, "rb") as f:
        bb = f.read()
    applets = subprocess.run([busybox, "--list"], check=True, capture_output=True,
                             text=True).stdout.split()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for d in ("bin", "dev", "etc", "proc", "root", "run", "sys", "var", "home",
                  "home/user"):
            add(tar, d, tarfile.DIRTYPE, mode=0o700 if d == "root" else 0o755,
                uid=1000 if d == "home/user" else 0, gid=1000 if d == "home/user" else 0)
        add(tar, "tmp", tarfile.DIRTYPE, mode=0o1777)
        add(tar, "bin/busybox", tarfile.REGTYPE, bb)
        for a in sorted(set(applets)):
            if a != "busybox":
                add(tar, "bin/" + a, tarfile.SYMTYPE, target="busybox")
        add(tar, "etc/passwd", tarfile.REGTYPE,
            b"root:x:0:0:root:/root:/bin/sh\n"
            b"user:x:1000:1000:user:/home/user:/bin/sh\n"
            b"nobody:x:65534:65534:nobody:/:/bin/sh\n", mode=0o644)
        add(tar, "etc/group", tarfile.REGTYPE,
            b"root:x:0:\nuser:x:1000:\nextra:x:2000:user\nnobody:x:65534:\n", mode=0o644)
    return buf.getvalue()


def blob(out, data, media_type):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    ti = tarfile.TarInfo("blobs/sha256/" + digest[7:])
    ti.size = len(data)
    ti.mtime = MTIME
    ti.mode = 0o644
    out.addfile(ti, io.BytesIO(data))
    return {"mediaType": media_type, "digest": digest, "size": len(data)}


def main():
    busybox, path, name = sys.argv[1:4]
    lay = layer(busybox)
    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": "2023-11-14T22:13:20Z",
        "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                   "Cmd": ["sh"], "WorkingDir": "/"},
        "rootfs": {"type": "layers",
                   "diff_ids": ["sha256:" + hashlib.sha256(lay).hexdigest()]},
        "history": [{"created": "2023-11-14T22:13:20Z", "created_by": "mkimage.py"}],
    }
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as out:
        for d in ("blobs", "blobs/sha256"):
            ti = tarfile.TarInfo(d)
            ti.type = tarfile.DIRTYPE
            ti.mode = 0o755
            ti.mtime = MTIME
            out.addfile(ti)
        ldesc = blob(out, lay, "application/vnd.oci.image.layer.v1.tar")
        cdesc = blob(out, json.dumps(config, sort_keys=True).encode(),
                     "application/vnd.oci.image.config.v1+json")
        manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": cdesc, "layers": [ldesc]}
        mdesc = blob(out, json.dumps(manifest, sort_keys=True).encode(),
                     "application/vnd.oci.image.manifest.v1+json")
        mdesc["annotations"] = {"io.containerd.image.name": name,
                                "org.opencontainers.image.ref.name": name}
        mdesc["platform"] = {"architecture": "amd64", "os": "linux"}
        index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                 "manifests": [mdesc]}
        for fname, data in (("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'),
                            ("index.json", json.dumps(index, sort_keys=True).encode())):
            ti = tarfile.TarInfo(fname)
            ti.size = len(data)
            ti.mtime = MTIME
            ti.mode = 0o644
            out.addfile(ti, io.BytesIO(data))


if __name__ == "__main__":
    main()
