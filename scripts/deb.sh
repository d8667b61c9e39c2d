#!/usr/bin/env bash
# `make deb`: the Debian package, built with Debian's own tools
# (dpkg-buildpackage -us -uc -b, debhelper) from a copy of this tree, into
# BUILD/ (default build/), then checked with lintian (errors fail). The
# package's version is the project's (CMakeLists.txt); its changelog entry and
# the commit it names are written into the copy here.
#
# usage: scripts/deb.sh [BUILD]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/${1:-build}
for tool in dpkg-buildpackage dh; do
    command -v "$tool" >/dev/null ||
        { echo "make deb: $tool is missing (apt-get install debhelper)" >&2; exit 1; }
done
version=$(sed -n 's/^project(gatehouse VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
commit=$(git -C "$root" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
git -C "$root" diff --quiet HEAD -- 2>/dev/null || commit="$commit-dirty"

work=$build/deb
src=$work/gatehouse-$version
rm -rf "$work"
mkdir -p "$src"
# the tree as it is (tracked and new files, not the ignored build output)
(cd "$root" && git ls-files -co --exclude-standard | while IFS= read -r f; do
    [ -e "$f" ] && ! [ -L "$f" ] && printf '%s\0' "$f"
done | tar --null -T - -cf -) | tar -C "$src" -xf -
echo "$commit" >"$src/debian/gh-commit"
cat >"$src/debian/changelog" <<CHANGELOG
gatehouse ($version) unstable; urgency=medium

  * Built from commit $commit.

 -- Gatehouse maintainers <maintainers@users.noreply.h-seed-736fd7f6.example>  $(date -R)
CHANGELOG

(cd "$src" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1 ||
    { tail -30 "$work/build.log" >&2; echo "make deb: dpkg-buildpackage failed (log: $work/build.log)" >&2; exit 1; }
deb=$(ls "$work"/gatehouse_"$version"_*.deb)
cp "$deb" "$build/"
echo "make deb: $build/$(basename "$deb")"
if command -v lintian >/dev/null; then
    lintian --fail-on error "$build/$(basename "$deb")"
else
    echo "make deb: lintian is missing (apt-get install lintian): not checked" >&2
fi
