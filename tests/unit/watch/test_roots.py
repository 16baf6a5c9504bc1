"""Which watched folders are polled: network and removable volumes on every platform, via psutil."""

from __future__ import annotations

from collections import namedtuple

import pytest

from kenning.core.watch.roots import Volume, needs_polling, volume_of

Part = namedtuple("Part", "device mountpoint fstype opts")

LINUX = [
    Part("/dev/sda1", "/", "ext4", "rw,relatime"),
    Part("server:/share", "/mnt/team", "nfs4", "rw,relatime"),
    Part("/dev/sdb1", "/media/usb", "vfat", "rw,nosuid"),
]
MACOS = [
    Part("/dev/disk3s1", "/", "apfs", "local,journaled"),
    Part("//user@nas/docs", "/Volumes/docs", "smbfs", "nodev,nosuid"),
]
WINDOWS = [
    Part("C:\\", "C:\\", "NTFS", "rw,fixed"),
    Part("Z:\\", "Z:\\", "NTFS", "rw,remote"),
    Part("E:\\", "E:\\", "FAT32", "rw,removable"),
]


@pytest.mark.parametrize(
    ("partitions", "path", "polled"),
    [
        (LINUX, "/home/ann/notes", False),
        (LINUX, "/mnt/team/reports", True),
        (LINUX, "/media/usb/photos", True),
        (MACOS, "/Users/ann/Documents", False),
        (MACOS, "/Volumes/docs/contracts", True),
    ],
)
def test_network_and_removable_volumes_are_polled(partitions: list[Part], path: str, polled: bool) -> None:
    assert needs_polling(path, "auto", partitions) is polled


def test_windows_drive_types_decide_not_the_file_system_name() -> None:
    # Drive letters are no paths on this POSIX machine: read the partition records as volumes.
    kinds = [Volume(p.mountpoint, p.fstype, frozenset(p.opts.split(","))).polled for p in WINDOWS]
    assert kinds == [False, True, True]


def test_the_settings_override_detection() -> None:
    assert needs_polling("/home/ann", "always", LINUX) is True
    assert needs_polling("/mnt/team", "never", LINUX) is False


def test_this_machines_own_volumes_are_read(tmp_path: object) -> None:
    volume = volume_of(str(tmp_path))
    assert volume is not None and volume.mount_point
