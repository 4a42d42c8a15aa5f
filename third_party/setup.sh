#!/usr/bin/env bash
# Installs the Debian 12 packages that crashsim builds and tests with, if any is missing. Safe to
# run again; silent when everything is present. Runs as root (CI) or through sudo.
#
#   third_party/setup.sh                  what building and running scenarios needs
#   third_party/setup.sh --kernel-check   also what `crashsim kernel-check` and its test need:
#                                         QEMU, busybox, mkfs.xfs, mke2fs, and Debian's Linux 6.1
#                                         kernel unpacked into the kernel cache (below)
#
# The kernel cache: $CRASHSIM_KERNEL_DIR, by default /var/cache/crashsim/linux-6.1. It holds
# vmlinuz, the modules kernel-check loads with their dependencies (same relative paths as under
# /lib/modules/VERSION), modules.dep for them, and a file VERSION. The kernel package is fetched
# with `apt-get download` and unpacked with `dpkg-deb -x`, not installed: installing
# linux-image-amd64 regenerates Debian's own initrd for minutes, and kernel-check boots its own.
set -euo pipefail

kernel_check=false
for arg in "$@"; do
  case "$arg" in
    --kernel-check) kernel_check=true ;;
    *) echo "usage: $0 [--kernel-check]" >&2; exit 2 ;;
  esac
done

# The one list of system packages (third_party/README.md says why each is here).
packages=(
  bazel-bootstrap     # Bazel 4.2
  bazel-platforms     # @platforms
  g++                 # the C++20 compiler
  libboost-graph-dev  # persist DAG
  libgraphviz-dev     # lays out persist graphs for the HTML report
  libfmt-dev          # formatting
  nlohmann-json3-dev  # scenario and report JSON
  doctest-dev         # unit tests
  graphviz            # checks the DAG's DOT output
  python3-jsonschema  # validates reports against reports/report.schema.json
  chromium            # renders the HTML report in tests
)
kernel_check_packages=(
  qemu-system-x86     # runs Linux 6.1 for kernel-check (KVM when /dev/kvm exists, else TCG)
  busybox-static      # the guest's shell and tools
  xfsprogs            # mkfs.xfs, copied into the guest
  e2fsprogs           # mke2fs, copied into the guest
)
if $kernel_check; then
  packages+=("${kernel_check_packages[@]}")
fi

sudo=()
if ((EUID != 0)); then
  sudo=(sudo)
fi

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$package")
  fi
done
updated=false
if ((${#missing[@]} > 0)); then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  updated=true
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! $kernel_check; then
  exit 0
fi

# The modules the guest loads (kcheck/initramfs.cc loads them in this order, each after the
# modules it depends on): crc32c before libcrc32c asks the crypto API for it, since the guest has
# no modprobe to load it on demand.
kernel_modules=(
  crypto/crc32c_generic.ko arch/x86/crypto/crc32c-intel.ko
  drivers/block/virtio_blk.ko drivers/virtio/virtio_pci.ko drivers/block/loop.ko
  fs/xfs/xfs.ko fs/ext4/ext4.ko drivers/md/dm-log-writes.ko
  drivers/nvdimm/nd_e820.ko drivers/nvdimm/nd_pmem.ko drivers/dax/dax_pmem.ko
  drivers/acpi/nfit/nfit.ko
)
kernel_dir=${CRASHSIM_KERNEL_DIR:-/var/cache/crashsim/linux-6.1}
if [[ -f "$kernel_dir/VERSION" ]]; then
  exit 0
fi
if ! $updated; then
  "${sudo[@]}" apt-get update -qq
fi
kernel_package=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-6\.1/ {print $2; exit}')
if [[ -z "$kernel_package" ]]; then
  echo "setup: linux-image-amd64 depends on no linux-image-6.1 package" >&2
  exit 1
fi
echo "setup: unpacking $kernel_package into $kernel_dir" >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
(cd "$work" && apt-get download -qq "$kernel_package" 2>/dev/null)
dpkg-deb -x "$work"/"$kernel_package"_*.deb "$work/root"
version=${kernel_package#linux-image-}
modules="$work/root/lib/modules/$version"
busybox depmod -b "$work/root" "$version"
# The wanted modules and, from modules.dep, everything they depend on.
declare -A keep=()
for module in "${kernel_modules[@]}"; do
  keep["kernel/$module"]=1
  line=$(grep -E "^kernel/${module//./\\.}:" "$modules/modules.dep" || true)
  if [[ -z "$line" ]]; then
    echo "setup: $module is not in $kernel_package" >&2
    exit 1
  fi
  for dependency in ${line#*:}; do keep["$dependency"]=1; done
done
staging="$work/cache"
mkdir -p "$staging/modules"
cp "$work/root/boot/vmlinuz-$version" "$staging/vmlinuz"
for module in "${!keep[@]}"; do
  mkdir -p "$staging/modules/$(dirname "$module")"
  cp "$modules/$module" "$staging/modules/$module"
done
grep -E "^($(printf '%s|' "${!keep[@]}" | sed 's/\./\\./g; s/|$//')):" "$modules/modules.dep" \
  | sort > "$staging/modules.dep"
echo "$version" > "$staging/VERSION"
"${sudo[@]}" mkdir -p "$(dirname "$kernel_dir")"
"${sudo[@]}" rm -rf "$kernel_dir"
"${sudo[@]}" cp -r "$staging" "$kernel_dir"
