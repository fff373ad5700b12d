#!/bin/bash
# Host side of tier 2: bundle the prepared cases with the guest script, boot the Debian
# kernel under qemu (TCG: KVM cannot run a stock kernel on this CI machine, E2E.md) once
# for all cases, and copy the guest's result lines to RESULTS.
#
# usage: vm.sh CASES_DIR RESULTS_FILE
# needs: KERNEL_ROOT KERNEL_VERSION KERNEL_IMAGE QEMU QEMU_BIOS_ARGS (lib/deps.sh), OUT_DIR, KEY_DIR
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/deps.sh"

CASES=$1 RESULTS=$2
T2=$OUT_DIR/tier2
rm -rf "$T2" && mkdir -p "$T2"

fetch_kernel
fetch_qemu
echo "$KERNEL_VERSION" >"$T2/kernel-version"   # for the summary

# The base image only changes with the host tools or the kernel: rebuild it when any of
# them is newer than the cached image.
BASE=$CACHE_DIR/initramfs-$KERNEL_VERSION.cpio
if [[ ! -f $BASE || -n $(find "$E2E_DIR/tier2/init" "$E2E_DIR/tier2/build-initramfs.sh" \
    /usr/bin/ip /usr/bin/wg /usr/bin/wg-quick /lib/systemd/systemd-networkd /usr/sbin/bird /usr/lib/frr/bgpd \
    -newer "$BASE" 2>/dev/null) ]]; then
    log "building initramfs for $KERNEL_VERSION"
    "$E2E_DIR/tier2/build-initramfs.sh" "$KERNEL_ROOT" "$KERNEL_VERSION" "$BASE.tmp"
    mv "$BASE.tmp" "$BASE"
fi

# The case bundle: a second cpio appended to the base (the kernel unpacks both).
BUNDLE=$T2/bundle
mkdir -p "$BUNDLE/e2e/keys"
cp -a "$CASES" "$BUNDLE/e2e/cases"
cp -a "$KEY_DIR/." "$BUNDLE/e2e/keys/" 2>/dev/null || true
install -m 0755 "$E2E_DIR/tier2/guest.sh" "$BUNDLE/e2e/guest.sh"
# peergen itself, for `peergen status` on both ends, with its shared libraries (glibc's are
# in the base image already; libgcc_s, for unwinding, is not), at their real paths: the
# image is usr-merged, /lib is a symlink there
install -D -m 0755 "$PEERGEN" "$BUNDLE/e2e/bin/peergen"
ldd "$PEERGEN" | awk '/=> \// {print $3}' | while read -r lib; do
    lib=$(realpath "$lib")
    install -D -m 0644 "$lib" "$BUNDLE/usr${lib#/usr}"
done
install -m 0644 "$E2E_DIR/tier2/status-negative.sh" "$BUNDLE/e2e/status-negative.sh"
# One-off: record host states for status's unit tests (fixtures/status/README.md)
if [[ ${E2E_CAPTURE:-0} == 1 ]]; then
    install -m 0644 "$E2E_DIR/tier2/capture-states.sh" "$BUNDLE/e2e/capture-states.sh"
    install -m 0755 "$REPO_DIR/fixtures/status/capture.sh" "$BUNDLE/e2e/status-capture.sh"
fi
[[ -f $E2E_DIR/tier2/negative.sh ]] && install -m 0755 "$E2E_DIR/tier2/negative.sh" "$BUNDLE/e2e/negative.sh"
install -m 0644 "$E2E_DIR/tier2/bgp.sh" "$BUNDLE/e2e/bgp.sh"
install -m 0644 "$E2E_DIR/tier2/handoff.sh" "$BUNDLE/e2e/handoff.sh"
install -m 0644 "$E2E_DIR/lib/bgp-daemons.sh" "$BUNDLE/e2e/bgp-daemons.sh"
install -m 0644 "$E2E_DIR/expected-refusals.txt" "$BUNDLE/e2e/expected-refusals.txt"
[[ -d $E2E_DIR/negative ]] && cp -a "$E2E_DIR/negative" "$BUNDLE/e2e/negative"
# negative twins that peergen rendered (lib/prepare.sh prepare_negative_renders)
[[ -d $OUT_DIR/negative-cases ]] && cp -a "$OUT_DIR/negative-cases" "$BUNDLE/e2e/negative-cases"
# Host name endpoints resolve through /etc/hosts in the VM (see prepare_cases.py).
grep -h '^REMOTE_HOST=.' "$CASES"/*/case.env 2>/dev/null | while read -r line; do
    host=${line#REMOTE_HOST=}
    ip=$(grep -h '^REMOTE_EP=' "$(grep -l "^$line\$" "$CASES"/*/case.env | head -n1)" | cut -d= -f2)
    echo "$ip ${host//\'/}"
done | sort -u >"$BUNDLE/e2e/hosts"
(cd "$BUNDLE" && find . -print0 | cpio --null -o -H newc --quiet) >"$T2/cases.cpio"
cat "$BASE" "$T2/cases.cpio" >"$T2/initramfs.cpio"

log "booting $KERNEL_VERSION under qemu (TCG), $(ls "$CASES" | wc -l) cases"
: >"$T2/results.txt"
# ttyS0 (console) → console.log for diagnosis; ttyS1 → results.txt, result lines only.
rc=0
timeout "${E2E_VM_TIMEOUT:-900}" "$QEMU" "${QEMU_BIOS_ARGS[@]}" -accel tcg -cpu max -smp 2 -m 1024 \
    -nographic -no-reboot -nic none \
    -kernel "$KERNEL_IMAGE" -initrd "$T2/initramfs.cpio" \
    -append 'console=ttyS0 quiet loglevel=3 panic=-1' \
    -serial mon:stdio -serial "file:$T2/results.txt" \
    </dev/null >"$T2/console.log" 2>&1 || rc=$?
((rc == 0)) || log "qemu exited $rc (see $T2/console.log)"

# the serial line discipline turns \n into \r\n
tr -d '\r' <"$T2/results.txt" | grep -E '^(PASS|FAIL|NA) ' >"$RESULTS" || true
if ! grep -q '^E2E-DONE' "$T2/results.txt"; then
    echo "FAIL tier2 vm boot - the guest did not finish (qemu exit $rc); tail of console: $(tail -n 5 "$T2/console.log" | tr -d '\r' | tr '\n' ' ')" >>"$RESULTS"
fi
