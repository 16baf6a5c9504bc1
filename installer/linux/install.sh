#!/bin/sh
# Add Kenning (this unpacked folder) to your application menu; nothing outside your home is touched.
#   ./install.sh             add the menu entry, icons and ~/.local/bin/kenning
#   ./install.sh --uninstall remove them again (this folder stays; delete it yourself)
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"
BIN="$HOME/.local/bin"
if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$DATA/applications/kenning.desktop" "$BIN/kenning"
    for size in 256 128 48; do rm -f "$DATA/icons/hicolor/${size}x${size}/apps/kenning.png"; done
    rm -f "$DATA/icons/hicolor/scalable/apps/kenning.svg"
    echo "Kenning removed from the menu. Your documents index stays in ${XDG_DATA_HOME:-$HOME/.local/share}/Kenning."
    exit 0
fi
mkdir -p "$DATA/applications" "$BIN"
for size in 256 128 48; do
    mkdir -p "$DATA/icons/hicolor/${size}x${size}/apps"
    cp "$HERE/usr/share/icons/hicolor/${size}x${size}/apps/kenning.png" "$DATA/icons/hicolor/${size}x${size}/apps/"
done
mkdir -p "$DATA/icons/hicolor/scalable/apps"
cp "$HERE/usr/share/icons/hicolor/scalable/apps/kenning.svg" "$DATA/icons/hicolor/scalable/apps/"
sed "s|^Exec=kenning|Exec=\"$HERE/kenning\"|" "$HERE/kenning.desktop" > "$DATA/applications/kenning.desktop"
ln -sf "$HERE/kenning" "$BIN/kenning"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$DATA/applications" || true
echo "Kenning is in your application menu; 'kenning' is in $BIN."
echo "Check the installation: $HERE/kenning --self-test"
