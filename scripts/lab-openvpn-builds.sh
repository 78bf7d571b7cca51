#!/usr/bin/env bash
# Installs the lab's other OpenVPN server generations (2.4, 2.5 and 2.7; 2.6 is the apt package
# on the PATH) into /var/cache/postern-lab/openvpn-<version>/, off the PATH and outside dpkg.
#
# Each is its distribution's own binary package of that version (2.5.1 from Debian bullseye,
# 2.7.8 from Debian sid, 2.4.7 from Ubuntu focal with focal-updates and focal-security, since
# no Debian suite still served carries 2.4), unpacked with `dpkg-deb -x` together with the
# libraries of the same suites, its C library and loader included, and run through that loader
# (`sbin/openvpn` is a two-line wrapper). So a 2.7 built for sid's glibc 2.38 and OpenSSL 3.4
# runs on bookworm, and 2.5 and 2.4 get the OpenSSL 1.1 they were built for. Why not a source
# build: this machine's Debian mirror does not serve openvpn's source package (apt-get source
# gets 404 for its .dsc and debian.tar.xz), the binary packages it does serve.
#
# Every index is verified with its archive's keyring: Debian's (debian-archive-keyring), and for
# Ubuntu /usr/share/keyrings/ubuntu-archive-keyring.gpg, or when the machine lacks it (bookworm
# has no ubuntu-keyring package) the same file from Debian sid's ubuntu-keyring package, itself
# verified through sid's Debian-signed index and unpacked under the cache, never installed.
#
# 2.4 is optional: Ubuntu's archive is not one of the mirrors every machine reaches, so when it
# cannot be fetched the script says so in one line and goes on (exit 0), and the 2.4 lab tests
# skip with that reason (e2e/lab/server-builds.ts). 2.5 and 2.7 failing stays fatal.
#
# Cached per machine: a version whose wrapper reports that version is left alone, so a second
# run costs a `--version` each. `--force`, or deleting the folder, makes it fetch again.
#
#   scripts/lab-openvpn-builds.sh [--force] [2.4.7] [2.5.1] [2.7.8]     (root; mirrors reachable)
#
# e2e/lab/server-builds.ts names the same folders and versions; keep the two in step.
set -euo pipefail
shopt -s inherit_errexit # a failure inside $(…) fails the step too

root=${POSTERN_LAB_OPENVPN_ROOT:-/var/cache/postern-lab}
force=0
if [ "${1:-}" = --force ]; then force=1; shift; fi
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(2.4.7 2.5.1 2.7.8)

ubuntu_mirror=${POSTERN_LAB_UBUNTU_MIRROR:-http://archive.ubuntu.com/ubuntu}
ubuntu_keyring_file=/usr/share/keyrings/ubuntu-archive-keyring.gpg

# The Debian mirror the machine already uses (deb822 .sources or a classic sources.list).
debian_mirror=$(awk '/^URIs:/ && $2 ~ /\/debian\/?$/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
[ -n "$debian_mirror" ] || debian_mirror=$(awk '$1=="deb" && $2 ~ /\/debian\/?$/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$debian_mirror" ] || debian_mirror=http://deb.debian.org/debian

# The distribution and suites that carry each version ("debian bullseye"), the first suite
# naming the private apt state; the exact package version is the newest of them all.
suites_of() {
  case "$1" in
    2.4.7|2.4.12) echo ubuntu focal focal-updates focal-security ;;
    2.5.1) echo debian bullseye ;;
    2.7.8) echo debian sid ;;
    *) echo "no suite known for openvpn $1" >&2; return 1 ;;
  esac
}

# A version whose fetch failing does not fail the script (see the header).
optional() { case "$1" in 2.4.*) return 0 ;; *) return 1 ;; esac; }

installed_version() { # "2.5.1" when the wrapper runs, nothing otherwise
  local bin="$root/openvpn-$1/sbin/openvpn"
  [ -x "$bin" ] || return 0
  # `openvpn --version` exits 1 on 2.5; only its first line matters.
  { "$bin" --version 2>/dev/null || true; } | awk 'NR==1 && $1=="OpenVPN" {print $2}'
}

# Sets `apt` to the options of a private apt state in $root/apt-<name> whose sources.list is
# the remaining arguments, and updates its lists: the machine's own sources, lists and status
# are not touched, so nothing from another suite can ever be installed or upgraded into it.
private_apt() {
  local name=$1; shift
  local apt_dir="$root/apt-$name"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial"
  printf '%s\n' "$@" >"$apt_dir/sources.list"
  apt=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/nonexistent
       -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
       -o Dir::State::status=/dev/null -o Debug::NoLocking=1 -o APT::Sandbox::User=root -o Acquire::Languages=none
       # A mirror that does not answer costs seconds, not apt's minutes of retries.
       -o Acquire::http::Timeout=20 -o Acquire::Retries=1)
  # apt-get update only warns about an index it could not fetch; the error names it.
  local out
  out=$(apt-get "${apt[@]}" update -qq 2>&1) || { echo "$out" >&2; return 1; }
  if grep -q '^[WE]: Failed to fetch' <<<"$out"; then
    echo "$(grep -m1 '^[WE]: Failed to fetch' <<<"$out")" >&2
    return 1
  fi
  [ -z "$out" ] || echo "$out" >&2
}

# The Ubuntu archive keyring: the machine's, or the one in Debian sid's ubuntu-keyring package.
ubuntu_keyring() {
  if [ -s "$ubuntu_keyring_file" ]; then echo "$ubuntu_keyring_file"; return; fi
  local dir="$root/ubuntu-keyring"
  local file="$dir/usr/share/keyrings/ubuntu-archive-keyring.gpg"
  if [ ! -s "$file" ]; then
    private_apt sid "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $debian_mirror sid main"
    local work
    work=$(mktemp -d /tmp/postern-ubuntu-keyring.XXXXXX)
    (cd "$work" && apt-get "${apt[@]}" download -qq ubuntu-keyring >/dev/null)
    rm -rf "$dir"
    dpkg-deb -x "$work"/ubuntu-keyring_*.deb "$dir"
    rm -rf "$work"
  fi
  [ -s "$file" ] || { echo "Debian's ubuntu-keyring package has no $file" >&2; return 1; }
  echo "$file"
}

# Fetches and unpacks one version; any failure returns non-zero (run under `set -e`).
install_version() {
  local v=$1 started distro suite suites keyring debver libs work prefix r loader library_path missing got
  started=$(date +%s)
  read -r distro suite _ <<<"$(suites_of "$v")"
  read -r -a suites <<<"$(suites_of "$v" | cut -d' ' -f2-)"
  local lines=()
  if [ "$distro" = ubuntu ]; then
    keyring=$(ubuntu_keyring)
    for s in "${suites[@]}"; do lines+=("deb [signed-by=$keyring] $ubuntu_mirror $s main"); done
  else
    for s in "${suites[@]}"; do lines+=("deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $debian_mirror $s main"); done
  fi
  private_apt "$suite" "${lines[@]}"
  debver=$(apt-cache "${apt[@]}" show openvpn | awk -v v="$v" '$1=="Version:" && index($2, v"-")==1 {print $2}' | sort -V | tail -n1)
  [ -n "$debver" ] || { echo "${suites[*]} has no openvpn $v-* (apt-cache show openvpn)" >&2; return 1; }
  # The package and every library it needs, from the same suites: the Depends and Pre-Depends
  # closure (focal's libsystemd0 pre-depends on liblzma5 and libgcrypt20), less what is not a
  # shared library (debconf, iproute2, perl, …); zlib1g is the one library not named lib*.
  # apt-get download takes the newest of each across the suites, so focal-security's
  # libssl1.1 wins over focal's.
  libs=$(apt-cache "${apt[@]}" depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
           --no-replaces --no-enhances "openvpn=$debver" \
         | awk '/^(lib|zlib1g)/ && !/:/ {print}' | sort -u)
  work=$(mktemp -d /tmp/postern-openvpn-fetch.XXXXXX)
  # shellcheck disable=SC2086 # one word per package
  (cd "$work" && apt-get "${apt[@]}" download -qq "openvpn=$debver" $libs >/dev/null)
  prefix="$root/openvpn-$v"
  rm -rf "$prefix"
  mkdir -p "$prefix/sbin"
  for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$prefix/root"; done
  rm -rf "$work"
  r="$prefix/root"
  # The loader in the multiarch folder: /lib64's is an absolute link to the host's file.
  loader=$(find "$r" -path '*/x86_64-linux-gnu/ld-linux-x86-64.so.2' | head -n1)
  [ -n "$loader" ] || { echo "no loader in $suite's libc6" >&2; return 1; }
  library_path=$(find "$r" -name 'lib*.so*' -printf '%h\n' | sort -u | tr '\n' ':')
  cat >"$prefix/sbin/openvpn" <<EOF
#!/bin/sh
# openvpn $debver from ${distro^} ${suites[*]}, with those suites' libraries (scripts/lab-openvpn-builds.sh)
exec "$loader" --library-path "${library_path%:}" "$r/usr/sbin/openvpn" "\$@"
EOF
  chmod 755 "$prefix/sbin/openvpn"
  # Every library from the unpacked suites: one the loader finds only on the host is built
  # for another C library, and fails (or worse, half works) at run time.
  missing=$("$loader" --library-path "${library_path%:}" --list "$r/usr/sbin/openvpn" | awk -v r="$r" '$2=="=>" && index($3, r)!=1 {print $1}' | tr '\n' ' ')
  [ -z "$missing" ] || { echo "libraries not in the unpacked suites: $missing" >&2; return 1; }
  got=$(installed_version "$v")
  [ "$got" = "$v" ] || { echo "the unpacked binary reports '${got:-nothing}'" >&2; return 1; }
  echo "openvpn $v ($debver from ${distro^} ${suites[*]}): unpacked into $prefix ($(du -sh "$prefix" | cut -f1)) in $(( $(date +%s) - started )) s" >&2
}

for v in "${versions[@]}"; do
  if [ $force = 0 ] && [ "$(installed_version "$v")" = "$v" ]; then
    echo "openvpn $v: cached in $root/openvpn-$v" >&2
    continue
  fi
  errors=$(mktemp /tmp/postern-openvpn-errors.XXXXXX)
  # A subshell outside any `if`/`||`, so `set -e` holds inside it; its stderr is kept to
  # tell why it failed.
  set +e
  ( set -e; install_version "$v" ) 2>"$errors"
  status=$?
  set -e
  if [ $status = 0 ]; then
    cat "$errors" >&2
  else
    rm -rf "$root/openvpn-$v" # half a version must not pass for cached next time
    if optional "$v"; then
      why=$(grep -v '^[[:space:]]*$' "$errors" | tail -n1)
      echo "openvpn $v: unavailable, its lab tests will skip (${why:-exit $status})" >&2
    else
      sed "s/^/openvpn $v: /" "$errors" >&2
      rm -f "$errors"
      exit 1
    fi
  fi
  rm -f "$errors"
done
