/* SPDX-License-Identifier: MIT */
/*
 * The PC's reset control register, the one I/O port that the plan's
 * tables name and that the launchers answer: the FADT's reset register
 * points at it (lib/acpi.c), the KVM run loop ends the run when the
 * guest writes it (vmm/run.c), QEMU's pc machine resets on it (the tcg
 * path), and the evil probe knows a write there ends its run.  Linux
 * writes it for reboot=pci (arch/x86/kernel/reboot.c: 0x02, then 0x06)
 * and for reboot=acpi through the FADT.  Names follow Intel's chipset
 * datasheets (RST_CNT, "Reset Control Register", I/O CF9h).  Not
 * installed: it describes our machine, not the library's API.
 */
#ifndef DIRECTBOOT_PC_H
#define DIRECTBOOT_PC_H

/*
 * One byte wide.  A word or dword access at 0xcf8 covers 0xcf9 but is
 * the PCI CONFIG_ADDRESS register, and Linux's type-1 probe
 * (pci_check_type1()) writes back what it read there, all ones when no
 * PCI host answers: only byte accesses reach RST_CNT.
 */
#define RST_CNT_PORT 0xcf9
#define RST_CNT_SYS_RST 0x02 /* with RST_CPU: a hard reset, not an INIT */
#define RST_CNT_RST_CPU 0x04 /* set: reset the CPU */

/*
 * The status port of `directboot run ... -- CMD` (docs/devloop.md): the
 * guest's init (guest/devinit.c) writes CMD's exit status there as one
 * byte, then resets.  The KVM run loop stops the VM with that status;
 * under --accel tcg, QEMU's isa-debugcon at this port keeps the byte in
 * a file that directboot reads when QEMU is gone.  Answered only in that
 * mode.  0x501 is QEMU's isa-debug-exit default, free on a PC.
 */
#define DEVLOOP_STATUS_PORT 0x501

/*
 * The init writes here once its console is open and in the mode CMD
 * gets (raw, or cooked for the shell): only then does the KVM run hand
 * it stdin.  Linux's virtio_console drops input that arrives between
 * posting its receive buffers and marking the port connected, and a
 * tty still in its default mode would echo it onto CMD's stdout.
 * Under tcg nothing answers it (QEMU ignores the write).
 */
#define DEVLOOP_READY_PORT (DEVLOOP_STATUS_PORT + 1)

#endif
