#!/bin/sh
# make deb: build slserver_VERSION_ARCH.deb with dpkg-deb.
#
#   build.sh SRCDIR OUTDIR VERSION BUGREPORT
#
# SRCDIR is a fresh copy of the distribution ("make distdir"), built
# here on its own with the Debian paths, whatever the paths of the tree
# that runs "make deb": --prefix=/usr --sysconfdir=/etc
# --localstatedir=/var --runstatedir=/run, the compiler flags of
# dpkg-buildflags (all hardening), the systemd unit in /lib/systemd/system.
# Its "make install DESTDIR=" tree gets the package's own files
# (etc/debian: maintainer scripts, conffiles, copyright, changelog) and
# the packaged config runs the workers as user and group slserver. See
# doc/packaging.md.
#
# Copyright (c) 2026 The slserver authors. ISC licence: see COPYING.
set -eu

[ $# -eq 4 ] || { echo "usage: $0 SRCDIR OUTDIR VERSION BUGREPORT" >&2; exit 2; }
src=$(cd "$1" && pwd) out=$(cd "$2" && pwd) version=$3 bugs=$4
here=$(cd "$(dirname "$0")" && pwd)
MAKE=${MAKE:-make}

for tool in dpkg-deb dpkg-shlibdeps dpkg-buildflags dpkg-architecture; do
	command -v "$tool" >/dev/null ||
		{ echo "build.sh: $tool not found (apt-get install dpkg-dev)" >&2; exit 1; }
done
# The changelog says which version this is; it must be this one.
top=$(sed -n '1s/^slserver (\([^)]*\)).*/\1/p' "$here/changelog")
[ "$top" = "$version" ] || {
	echo "build.sh: etc/debian/changelog is at $top, the tree at $version:" \
	    "add a changelog entry" >&2
	exit 1
}
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
deb=$out/slserver_${version}_$arch.deb

work=$(mktemp -d "${TMPDIR:-/tmp}/slserver-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
doc=$root/usr/share/doc/slserver

# 1. Build and install with the Debian paths.
(
	cd "$src"
	DEB_BUILD_MAINT_OPTIONS=hardening=+all
	export DEB_BUILD_MAINT_OPTIONS
	eval "$(dpkg-buildflags --export=sh)"
	./configure --prefix=/usr --sysconfdir=/etc --localstatedir=/var \
	    --runstatedir=/run --disable-dependency-tracking >"$work/configure.log" 2>&1 ||
		{ tail -30 "$work/configure.log" >&2; exit 1; }
	$MAKE >"$work/make.log" 2>&1 || { tail -30 "$work/make.log" >&2; exit 1; }
	$MAKE install DESTDIR="$root" systemdunitdir=/lib/systemd/system \
	    >>"$work/make.log" 2>&1 || { tail -30 "$work/make.log" >&2; exit 1; }
)

# 2. What Debian wants of the tree.
strip --strip-unneeded --remove-section=.comment --remove-section=.note \
    "$root/usr/sbin/slserver" "$root/usr/sbin/slserverctl"
find "$root/usr/share/man" -type f -name '*.[0-9]' -exec gzip -9n {} +
rm -f "$doc/COPYING"		# the copyright file says it
sed "s|@BUGREPORT@|$bugs|g" "$here/copyright" > "$doc/copyright"
gzip -9n < "$here/changelog" > "$doc/changelog.gz"
chmod 0644 "$doc/copyright" "$doc/changelog.gz"
# The packaged config: workers as the system user slserver.
conf=$root/etc/slserver/slserver.conf
sed -e 's/^user = ""$/user = "slserver"/' \
    -e 's/^group = ""$/group = "slserver"/' "$conf" > "$work/conf"
grep -qx 'user = "slserver"' "$work/conf" &&
    grep -qx 'group = "slserver"' "$work/conf" ||
	{ echo "build.sh: no 'user = \"\"'/'group = \"\"' line in slserver.conf" >&2; exit 1; }
cat "$work/conf" > "$conf"

# 3. The control files.
mkdir -p "$root/DEBIAN" "$work/debian"
for f in conffiles postinst prerm postrm; do
	cp "$here/$f" "$root/DEBIAN/$f"
done
chmod 0644 "$root/DEBIAN/conffiles"
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -print |
    sed 's|^\./||' | grep -v '^etc/' | LC_ALL=C sort |
    xargs md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums"
# dpkg-shlibdeps wants a debian/control naming the package.
printf 'Source: slserver\n\nPackage: slserver\nArchitecture: any\n' \
    > "$work/debian/control"
depends=$(cd "$work" && dpkg-shlibdeps -O "$root/usr/sbin/slserver" \
    "$root/usr/sbin/slserverctl" 2>/dev/null |
    sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "build.sh: dpkg-shlibdeps found nothing" >&2; exit 1; }
size=$(du -sk --apparent-size --exclude=DEBIAN "$root" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" \
    -e "s|@BUGREPORT@|$bugs|" -e "s|@SIZE@|$size|" \
    -e "s|@DEPENDS@|$depends|" "$here/control.in" > "$root/DEBIAN/control"

# 4. The package.
find "$root" -type d -exec chmod 0755 {} +
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
