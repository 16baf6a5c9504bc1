"""Facts about a watched folder: is it there, and do native change events arrive from its drive."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# File systems whose change events do not arrive (or only for local changes): watch them by polling.
_REMOTE_FS = {
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "sshfs", "9p", "davfs", "fuse.davfs2",
    "fuse.rclone", "fuse.gvfsd-fuse", "afs", "ceph", "glusterfs", "fuse.glusterfs", "lustre", "vboxsf",
    "afpfs", "webdav", "macfuse", "osxfuse",
}  # fmt: skip
_REMOVABLE_FS = {"vfat", "exfat", "msdos", "ntfs", "ntfs3", "fuseblk", "iso9660", "udf", "hfsplus", "cd9660"}
# Windows reports the drive type in the options instead of the file system name.
_POLLED_DRIVE_TYPES = {"remote", "removable", "cdrom"}


@dataclass(frozen=True)
class Volume:
    """The mounted volume holding a path, as psutil reports it on every platform."""

    mount_point: str
    fstype: str
    options: frozenset[str]

    @property
    def polled(self) -> bool:
        """Whether native change events cannot be trusted on this volume (network or removable)."""
        if "fixed" in self.options:  # Windows: a local disk, whatever its file system
            return False
        fs = self.fstype.lower()
        return fs in _REMOTE_FS or fs in _REMOVABLE_FS or bool(self.options & _POLLED_DRIVE_TYPES)


def volume_of(path: str, partitions: Sequence[Any] | None = None) -> Volume | None:
    """The volume holding `path` (the longest mount point containing it); None when none is known."""
    import psutil

    try:
        parts = psutil.disk_partitions(all=True) if partitions is None else partitions
    except OSError:
        return None
    real = os.path.normcase(os.path.realpath(path))
    best: Volume | None = None
    for part in parts:
        mount = os.path.normcase(part.mountpoint)
        inside = real == mount or real.startswith(mount.rstrip("/\\") + os.sep)
        if inside and (best is None or len(mount) >= len(best.mount_point)):
            options = frozenset(o.strip().lower() for o in part.opts.split(","))
            best = Volume(mount, part.fstype, options)
    return best


def needs_polling(path: str, setting: str, partitions: Sequence[Any] | None = None) -> bool:
    """`setting`: "always", "never", or "auto" (poll network and removable drives)."""
    if setting == "always":
        return True
    if setting == "never":
        return False
    volume = volume_of(path, partitions)
    return volume is not None and volume.polled


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
