#!/usr/bin/env bash
# Installs the lab's other OpenVPN server generations (2.5 and 2.7; 2.6 is the apt package on
# the PATH) into /var/cache/postern-lab/openvpn-<version>/, off the PATH and outside dpkg.
#
# Each is Debian's own binary package of that version (2.5.1 from bullseye, 2.7.8 from sid),
# unpacked with `dpkg-deb -x` together with the libraries of the same suite, its C library and
# loader included, and run through that loader (`sbin/openvpn` is a two-line wrapper). So a
# 2.7 built for sid's glibc 2.38 and OpenSSL 3.4 runs on bookworm, and 2.5 gets the OpenSSL
# 1.1 it was built for. Why not a source build: this machine's Debian mirror does not serve
# openvpn's source package (apt-get source gets 404 for its .dsc and debian.tar.xz), the
# binary packages it does serve.
#
# Cached per machine: a version whose wrapper reports that version is left alone, so a second
# run costs a `--version` each. `--force`, or deleting the folder, makes it fetch again.
#
#   scripts/lab-openvpn-builds.sh [--force] [2.5.1] [2.7.8]     (root; Debian mirror reachable)
#
# e2e/lab/server-builds.ts names the same folders and versions; keep the two in step.
set -euo pipefail

root=${POSTERN_LAB_OPENVPN_ROOT:-/var/cache/postern-lab}
force=0
if [ "${1:-}" = --force ]; then force=1; shift; fi
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(2.5.1 2.7.8)

# The Debian suite that carries each version, and the exact package version there.
suite_of() {
  case "$1" in
    2.5.1) echo bullseye ;;
    2.7.8) echo sid ;;
    *) echo "no Debian suite known for openvpn $1" >&2; return 1 ;;
  esac
}

installed_version() { # "2.5.1" when the wrapper runs, nothing otherwise
  local bin="$root/openvpn-$1/sbin/openvpn"
  [ -x "$bin" ] || return 0
  # `openvpn --version` exits 1 on 2.5; only its first line matters.
  { "$bin" --version 2>/dev/null || true; } | awk 'NR==1 && $1=="OpenVPN" {print $2}'
}

# The mirror the machine already uses (deb822 .sources or a classic sources.list).
mirror=$(awk '/^URIs:/ && $2 ~ /\/debian\/?$/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '$1=="deb" && $2 ~ /\/debian\/?$/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian

for v in "${versions[@]}"; do
  if [ $force = 0 ] && [ "$(installed_version "$v")" = "$v" ]; then
    echo "openvpn $v: cached in $root/openvpn-$v" >&2
    continue
  fi
  started=$(date +%s)
  suite=$(suite_of "$v")
  # A private apt state for the suite: the machine's own sources, lists and status are not
  # touched, so nothing from bullseye or sid can ever be installed or upgraded into it.
  apt_dir="$root/apt-$suite"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" >"$apt_dir/sources.list"
  apt=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/nonexistent
       -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
       -o Dir::State::status=/dev/null -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
  apt-get "${apt[@]}" update -qq
  debver=$(apt-cache "${apt[@]}" show openvpn | awk -v v="$v" '$1=="Version:" && index($2, v"-")==1 {print $2}' | sort -V | tail -n1)
  [ -n "$debver" ] || { echo "openvpn $v: $suite has no openvpn $v-* (apt-cache show openvpn)" >&2; exit 1; }
  # The package and every library it needs, from the same suite: the Depends closure, less
  # what is not a shared library (debconf, iproute2, perl, …).
  libs=$(apt-cache "${apt[@]}" depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
           --no-replaces --no-enhances --no-pre-depends "openvpn=$debver" \
         | awk '/^[a-z0-9]/ && /^lib/ && !/:/ {print}' | sort -u)
  work=$(mktemp -d /tmp/postern-openvpn-fetch.XXXXXX)
  (cd "$work" && apt-get "${apt[@]}" download -qq "openvpn=$debver" $libs >/dev/null)
  prefix="$root/openvpn-$v"
  rm -rf "$prefix"
  mkdir -p "$prefix/sbin"
  for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$prefix/root"; done
  rm -rf "$work"
  r="$prefix/root"
  loader=$(find "$r" -name 'ld-linux-x86-64.so.2' | head -n1)
  [ -n "$loader" ] || { echo "openvpn $v: no loader in $suite's libc6" >&2; exit 1; }
  library_path=$(find "$r" -name 'lib*.so*' -printf '%h\n' | sort -u | tr '\n' ':')
  cat >"$prefix/sbin/openvpn" <<EOF
#!/bin/sh
# openvpn $debver from Debian $suite, with that suite's libraries (scripts/lab-openvpn-builds.sh)
exec "$loader" --library-path "${library_path%:}" "$r/usr/sbin/openvpn" "\$@"
EOF
  chmod 755 "$prefix/sbin/openvpn"
  missing=$("$loader" --library-path "${library_path%:}" --list "$r/usr/sbin/openvpn" | grep 'not found' || true)
  [ -z "$missing" ] || { echo "openvpn $v: libraries missing: $missing" >&2; exit 1; }
  got=$(installed_version "$v")
  [ "$got" = "$v" ] || { echo "openvpn $v: the unpacked binary reports '${got:-nothing}'" >&2; exit 1; }
  echo "openvpn $v ($debver from $suite): unpacked into $prefix in $(( $(date +%s) - started )) s" >&2
done
