#!/usr/bin/env bash
# Vendor htmx 2.x into the console (no CDN at run time). htmx's npm `latest` is 4.x, which changes attribute
# inheritance and the CSRF-header behaviour the console relies on, so the major version is pinned here.
# Usage: scripts/vendor_htmx.sh [VERSION]   (default: the newest 2.x)
set -euo pipefail
version="${1:-2}"
dest="$(cd "$(dirname "$0")/.." && pwd)/bot/web/console/static"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "htmx.org@${version}" >/dev/null && tar xzf htmx.org-*.tgz)
cp "$work/package/dist/htmx.min.js" "$dest/htmx.min.js"
cp "$work/package/LICENSE" "$dest/htmx.LICENSE"
echo "vendored htmx $(node -p "require('$work/package/package.json').version") into $dest"
