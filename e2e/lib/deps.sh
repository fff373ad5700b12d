# Installs and fetches what the e2e tiers need (sourced; needs lib/common.sh).
# Everything downloaded is cached under e2e/cache/ so local re-runs are offline and fast.

# Debian packages the host tools come from. The binaries copied into the tier-2 initramfs
# are these same host binaries, so tier 2 needs them too.
E2E_APT_PACKAGES=(wireguard-tools wireguard-go netplan.io iproute2 iputils-ping
    busybox-static cpio kmod systemd util-linux python3 gzip bird2 frr)
# Runtime libraries of the unpacked qemu-system-x86 (it cannot be apt-installed here, E2E.md).
QEMU_RUNTIME_PACKAGES=(seabios libcapstone4 libfdt1 libpmem1 librdmacm1 libibverbs1
    libslirp0 libvdeplug2)

apt_ensure() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
            missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    log "apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
}

# Download a package's .deb into the cache (once) and unpack it into DEST.
deb_fetch_unpack() { # PACKAGE DEST
    local pkg=$1 dest=$2 deb
    mkdir -p "$CACHE_DIR/debs" "$dest"
    deb=$(ls "$CACHE_DIR/debs/${pkg}_"*.deb 2>/dev/null | head -n1 || true)
    if [[ -z $deb ]]; then
        # (apt warns that root downloads unsandboxed; harmless, so only show output on failure)
        (cd "$CACHE_DIR/debs" && apt-get download "$pkg") >"$CACHE_DIR/debs/.log" 2>&1 || {
            cat "$CACHE_DIR/debs/.log" >&2
            die "apt-get download $pkg failed"
        }
        deb=$(ls "$CACHE_DIR/debs/${pkg}_"*.deb | head -n1)
    fi
    dpkg -x "$deb" "$dest"
}

# Sets KERNEL_ROOT, KERNEL_VERSION, KERNEL_IMAGE. The package is resolved from the
# linux-image-amd64 metapackage so a Debian ABI bump needs no edit here.
fetch_kernel() {
    local pkg
    pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}')
    if [[ -z $pkg ]]; then
        apt-get update -qq
        pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-/ {print $2; exit}')
    fi
    [[ -n $pkg ]] || die "cannot resolve the kernel package behind linux-image-amd64"
    KERNEL_ROOT=$CACHE_DIR/kernel/$pkg
    if [[ ! -d $KERNEL_ROOT/boot ]]; then
        log "fetching $pkg"
        rm -rf "$KERNEL_ROOT"
        deb_fetch_unpack "$pkg" "$KERNEL_ROOT"
    fi
    KERNEL_VERSION=$(ls "$KERNEL_ROOT/lib/modules" | head -n1)
    KERNEL_IMAGE=$KERNEL_ROOT/boot/vmlinuz-$KERNEL_VERSION
    [[ -f $KERNEL_IMAGE ]] || die "no kernel image in $KERNEL_ROOT"
}

# Sets QEMU (the binary) and QEMU_BIOS_ARGS.
fetch_qemu() {
    local root=$CACHE_DIR/qemu p
    apt_ensure "${QEMU_RUNTIME_PACKAGES[@]}"
    if [[ ! -x $root/usr/bin/qemu-system-x86_64 ]]; then
        log "fetching qemu-system-x86"
        rm -rf "$root"
        for p in qemu-system-x86 qemu-system-common qemu-system-data; do
            deb_fetch_unpack "$p" "$root"
        done
    fi
    QEMU=$root/usr/bin/qemu-system-x86_64
    QEMU_BIOS_ARGS=(-L "$root/usr/share/qemu" -L /usr/share/seabios)
    "$QEMU" --version >/dev/null || die "unpacked qemu does not run (missing runtime libraries?)"
}
