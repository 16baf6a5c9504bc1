"""Facts about a watched folder: is it there, and do native change events arrive from its drive."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

# File systems where inotify sees only local changes (or none at all): watch them by polling.
_REMOTE_FS = {
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "sshfs", "9p", "davfs", "fuse.davfs2",
    "fuse.rclone", "fuse.gvfsd-fuse", "afs", "ceph", "glusterfs", "fuse.glusterfs", "lustre", "vboxsf",
}  # fmt: skip
_REMOVABLE_FS = {"vfat", "exfat", "msdos", "ntfs", "ntfs3", "fuseblk", "iso9660", "udf", "hfsplus"}


def filesystem_type(path: str, mounts_file: str = "/proc/mounts") -> str | None:
    """The type of the file system holding `path` (Linux); None where that cannot be told."""
    try:
        with open(mounts_file, encoding="utf-8", errors="replace") as mounts:
            entries = [line.split() for line in mounts]
    except OSError:
        return None
    real = os.path.realpath(path)
    best, best_type = "", None
    for fields in entries:
        if len(fields) < 3:
            continue
        mount_point = fields[1].replace("\\040", " ")
        inside = real == mount_point or real.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, best_type = mount_point, fields[2]
    return best_type


def needs_polling(path: str, setting: str) -> bool:
    """`setting`: "always", "never", or "auto" (poll network and removable drives)."""
    if setting == "always":
        return True
    if setting == "never" or not sys.platform.startswith("linux"):
        return False
    fs = filesystem_type(path)
    return fs is not None and (fs in _REMOTE_FS or fs in _REMOVABLE_FS)


@dataclass
class RootState:
    """One watched folder as the watcher last saw it."""

    path: str
    was_mount_point: bool = False
    online: bool = False
    paused: bool = False

    def absence(self) -> str | None:
        """Why the folder is not usable now, or None when it is."""
        if not os.path.isdir(self.path):
            return "the folder is not there (renamed, deleted, or its drive is not connected)"
        if self.was_mount_point and not os.path.ismount(self.path):
            return "its drive is not mounted"
        return None
