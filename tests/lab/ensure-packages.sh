#!/usr/bin/env bash
# Makes sure the Debian packages the integration/e2e lab needs are installed. Idempotent:
# installs only what is missing (apt-get update first, only then), as root on Debian 12, with
# daemon autostart blocked by a temporary /usr/sbin/policy-rc.d (created only if missing).
# Otherwise prints what is missing and the exact command, and exits non-zero.
set -euo pipefail

# package → a file it installs (used when dpkg is not there to ask)
declare -A PROBE=(
  [openssh-server]=/usr/sbin/sshd
  [sudo]=/usr/bin/sudo
  [sshpass]=/usr/bin/sshpass
  [docker-registry]=/usr/bin/docker-registry
  [busybox-static]=/bin/busybox
  [containerd]=/usr/bin/containerd
  [runc]=/usr/sbin/runc
  [iproute2]=/usr/sbin/ip
  [iptables]=/usr/sbin/iptables
  [curl]=/usr/bin/curl
  [chromium]=/usr/bin/chromium
  [ansible-core]=/usr/bin/ansible-playbook
  [pssh]=/usr/bin/parallel-ssh
  [util-linux]=/usr/bin/setpriv
  [patch]=/usr/bin/patch
  [apache2-utils]=/usr/bin/htpasswd
  [skopeo]=/usr/bin/skopeo
)
PACKAGES=(openssh-server sudo sshpass docker-registry busybox-static containerd runc iproute2 iptables
  curl chromium ansible-core pssh util-linux patch apache2-utils skopeo)

is_installed() {
  if command -v dpkg-query >/dev/null 2>&1; then
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
  else
    [ -e "${PROBE[$1]}" ]
  fi
}

missing_packages() {
  local pkg
  for pkg in "${PACKAGES[@]}"; do
    is_installed "$pkg" || printf '%s\n' "$pkg"
  done
}

mapfile -t missing < <(missing_packages)
if [ ${#missing[@]} -eq 0 ]; then
  echo "== lab packages: all present"
  exit 0
fi

install_cmd="apt-get install -y ${missing[*]}"
is_debian=0
if [ -r /etc/os-release ] && (. /etc/os-release && [ "${ID:-}" = debian ]); then is_debian=1; fi

if [ "$is_debian" != 1 ]; then
  echo "!! lab packages missing: ${missing[*]}" >&2
  echo "!! this lab is built for Debian 12; there, as root: apt-get update && $install_cmd" >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  echo "!! lab packages missing: ${missing[*]}" >&2
  echo "!! run as root, or: sudo apt-get update && sudo $install_cmd" >&2
  exit 1
fi

echo "== lab packages missing, installing: ${missing[*]}"
if [ ! -e /usr/sbin/policy-rc.d ]; then
  # Keep apt from starting sshd, containerd, docker-registry… as system services.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod 0755 /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=300 update
apt-get -o DPkg::Lock::Timeout=300 install -y "${missing[@]}"

mapfile -t still < <(missing_packages)
if [ ${#still[@]} -ne 0 ]; then
  echo "!! still missing after apt-get install: ${still[*]}" >&2
  exit 1
fi
echo "== lab packages: installed ${missing[*]}"
