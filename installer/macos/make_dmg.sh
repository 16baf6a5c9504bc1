#!/bin/sh
# Pack dist/Kenning.app (from `pyinstaller installer/kenning.spec` on macOS) into a compressed DMG
# with the usual drag-to-Applications link:
#
#   sh installer/macos/make_dmg.sh            -> dist/Kenning-<version>-macos-<arch>.dmg
#
# Signing: with CODESIGN_IDENTITY set, the app is signed with it (hardened runtime) before packing;
# otherwise ad hoc ("-"), which runs on the building Mac and, after the user allows it in System
# Settings > Privacy & Security, on others. Notarisation needs an Apple account: see installer/README.md.
set -eu
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
APP="$ROOT/dist/Kenning.app"
VERSION="$(sed -n 's/^version = "\(.*\)"/\1/p' "$ROOT/pyproject.toml" | head -n 1)"
ARCH="$(uname -m)"
DMG="$ROOT/dist/Kenning-$VERSION-macos-$ARCH.dmg"

[ -d "$APP" ] || { echo "no $APP: run pyinstaller installer/kenning.spec first" >&2; exit 1; }

# The bundle's version must be pyproject's: the spec writes it into Info.plist.
PLIST_VERSION="$(/usr/libexec/PlistBuddy -c 'Print :CFBundleShortVersionString' "$APP/Contents/Info.plist")"
[ "$PLIST_VERSION" = "$VERSION" ] || { echo "Info.plist says $PLIST_VERSION, pyproject.toml $VERSION" >&2; exit 1; }

IDENTITY="${CODESIGN_IDENTITY:--}"
codesign --force --deep --options runtime --timestamp=none --sign "$IDENTITY" "$APP"
codesign --verify --deep --strict "$APP"

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
rm -f "$DMG"
hdiutil create -volname "Kenning $VERSION" -srcfolder "$STAGE" -fs HFS+ -format UDZO \
    -imagekey zlib-level=9 "$DMG"
hdiutil verify "$DMG"
du -sh "$APP" "$DMG"
