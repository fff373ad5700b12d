#!/bin/bash
# Builds the tier-2 initramfs: busybox for the basics plus the host's REAL ip, wg, wg-quick,
# ping, bash and systemd-networkd (with their shared libraries), and the tunnel modules of
# the Debian kernel we boot. The tools under test in the VM are thus exactly the Debian 12
# tools the tier-1 checks use, running against a kernel that has every tunnel driver.
#
# usage: build-initramfs.sh KERNEL_ROOT KERNEL_VERSION OUTPUT.cpio
# The result is an uncompressed newc archive; the harness appends the case bundle to it.
set -euo pipefail

KROOT=$1 KVER=$2 OUT=$3
IMG=$(mktemp -d)
trap 'rm -rf "$IMG"' EXIT

# Real binaries (not busybox applets) wherever the behaviour under test depends on them,
# and the BGP daemons of Debian 12 (BIRD 2, FRR 8: zebra, bgpd, staticd for the frame's
# static routes, bfdd for BFD, vtysh), and coreutils install for the install steps a handoff
# README gives.
BINARIES=(/usr/bin/bash /usr/bin/dash /usr/bin/ip /usr/bin/wg /usr/bin/ping /usr/bin/kmod
    /lib/systemd/systemd-networkd /usr/bin/unshare /usr/bin/mount /usr/bin/umount
    /usr/bin/nsenter /usr/bin/stat /usr/bin/timeout /usr/bin/install
    /usr/sbin/bird /usr/sbin/birdc
    /usr/lib/frr/zebra /usr/lib/frr/bgpd /usr/lib/frr/staticd /usr/lib/frr/bfdd /usr/bin/vtysh)
SCRIPTS=(/usr/bin/wg-quick)
# Tunnel drivers, the veth used for the underlay, and the bridge that bridged ends join;
# modprobe resolves their dependencies.
MODULES=(wireguard ip_gre sit ip6_gre ip6_tunnel vxlan veth bridge)

# Debian 12 is usr-merged: keep the same layout so ldd's paths and #! lines just work.
mkdir -p "$IMG"/usr/{bin,sbin,lib,lib64} "$IMG"/{dev,proc,sys,run,tmp,etc,root,var}
ln -s usr/bin "$IMG/bin"; ln -s usr/sbin "$IMG/sbin"
ln -s usr/lib "$IMG/lib"; ln -s usr/lib64 "$IMG/lib64"
ln -s /run "$IMG/var/run"

copy_file() { # copy a host file (following symlinks) to the same canonical path in the image
    local src=$1 dst
    dst=$(readlink -f "$(dirname "$src")")/$(basename "$src")
    [[ -e $IMG$dst ]] && return 0
    mkdir -p "$IMG$(dirname "$dst")"
    cp -L "$src" "$IMG$dst"
    # also keep the path as named (e.g. /lib64/ld-linux-x86-64.so.2) reachable
    if [[ $dst != "$src" && ! -e $IMG$src ]]; then
        mkdir -p "$IMG$(dirname "$src")"
        ln -s "$dst" "$IMG$src" 2>/dev/null || true
    fi
}

for bin in "${BINARIES[@]}"; do
    [[ -x $bin ]] || { echo "missing $bin" >&2; exit 1; }
    copy_file "$bin"
    ldd "$bin" | awk '/=> \// {print $3} /^[ \t]*\/[^ ]+ \(/ {print $1}' | while read -r lib; do
        copy_file "$lib"
    done
done
for s in "${SCRIPTS[@]}"; do copy_file "$s"; done
# peergen comes with the case bundle (vm.sh) for `peergen status`; besides glibc it links
# the GCC runtime (Rust's unwinder) and libm.
for lib in libgcc_s.so.1 libm.so.6; do copy_file "/lib/x86_64-linux-gnu/$lib"; done

# busybox supplies everything else (sh, sleep, cat, sed, sysctl ...) without shadowing the
# real tools copied above.
cp /bin/busybox "$IMG/usr/bin/busybox"
for applet in $(/bin/busybox --list); do
    [[ -e $IMG/usr/bin/$applet || -e $IMG/usr/sbin/$applet ]] || ln -s busybox "$IMG/usr/bin/$applet"
done
# /bin/sh is dash as on Debian: the rendered ip scripts are #!/bin/sh, and busybox's sh
# would run its own `ip` applet instead of iproute2.
ln -sf dash "$IMG/usr/bin/sh"
# The kernel runs /sbin/modprobe to autoload drivers ("Unknown device type" otherwise).
for t in modprobe insmod lsmod depmod rmmod; do ln -sf ../bin/kmod "$IMG/usr/sbin/$t"; done
rm -f "$IMG/usr/bin/modprobe" "$IMG/usr/bin/insmod" "$IMG/usr/bin/lsmod" "$IMG/usr/bin/depmod" "$IMG/usr/bin/rmmod"

# Modules: depmod the unpacked kernel once so modprobe can list dependencies.
[[ -f $KROOT/lib/modules/$KVER/modules.dep ]] || depmod -b "$KROOT" "$KVER"
for m in "${MODULES[@]}"; do
    modprobe -d "$KROOT" -S "$KVER" --show-depends "$m" | awk '$1 == "insmod" {print $2}'
done | sort -u | while read -r ko; do
    rel=${ko#"$KROOT"}
    mkdir -p "$IMG$(dirname "$rel")"
    cp "$ko" "$IMG$rel"
done
cp "$KROOT/lib/modules/$KVER"/modules.{order,builtin,builtin.modinfo} "$IMG/lib/modules/$KVER/"
depmod -b "$IMG" "$KVER"

# systemd-networkd drops privileges to systemd-network; resolve it with glibc's built-in
# files NSS. machine-id is bind-mounted per namespace by the guest script.
# FRR's daemons drop privileges to frr and give their vty sockets to group frrvty, as the
# Debian package configures them.
cat >"$IMG/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/bash
systemd-network:x:998:998:systemd Network Management:/:/usr/sbin/nologin
frr:x:997:997:FRR:/nonexistent:/usr/sbin/nologin
PW
cat >"$IMG/etc/group" <<'GR'
root:x:0:
systemd-network:x:998:
frr:x:997:
frrvty:x:996:frr
GR
printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files\n' >"$IMG/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$IMG/etc/hosts"
: >"$IMG/etc/machine-id"
mkdir -p "$IMG/etc/systemd/network" "$IMG/etc/wireguard" "$IMG/var/lib/systemd" "$IMG/etc/frr"
# vtysh reads this before talking to the daemons; empty is the package default.
: >"$IMG/etc/frr/vtysh.conf"
# Debian's vtysh authenticates through PAM (service frr) and exits when PAM cannot start:
# permit, as the package's own /etc/pam.d/frr does for auth; the socket's group is the gate.
mkdir -p "$IMG/etc/pam.d"
printf 'auth sufficient pam_permit.so\naccount sufficient pam_permit.so\n' >"$IMG/etc/pam.d/frr"
copy_file "$(dirname "$(readlink -f "$(ldd /usr/bin/vtysh | awk '/libpam\.so/ {print $3}')")")/security/pam_permit.so"

cp "$(dirname "$0")/init" "$IMG/init"
chmod 0755 "$IMG/init"

(cd "$IMG" && find . -print0 | cpio --null -o -H newc --quiet) >"$OUT"
