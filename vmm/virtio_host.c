// SPDX-License-Identifier: MIT
/*
 * The virtio devices of a KVM run, wired to the VM.
 *
 * Register accesses (every read, and writes other than QueueNotify) are
 * MMIO exits that the vCPU thread that made them answers directly, under
 * the device's lock: they are short and the guest waits for them.
 *
 * Queue notifications never leave the kernel as exits: each queue has
 * an ioeventfd on its device's QueueNotify register, matched on the
 * queue index, and ONE I/O thread runs every queue of every device, in
 * an epoll loop that also watches the host side (the TAP) and the rng's
 * rate-limit timer; the console's stdin is the terminal's (term.c).  Why a thread and not the
 * vCPU: a disk FLUSH is an fdatasync() that can take milliseconds, and
 * on the vCPU thread the guest CPU would stand still for it; with the
 * I/O thread the vCPU returns to the guest as soon as KVM has signalled
 * the eventfd.  Why only one: the devices then need no ordering between
 * threads beyond their lock, host input and queue kicks are serialised
 * for free, and a small guest's I/O does not need more.
 *
 * Interrupts: one irqfd per device on its GSI, so the I/O thread raises
 * an edge with one write(); where KVM_IRQFD is missing, KVM_IRQ_LINE
 * 1 then 0 does the same.  virtio-mmio's interrupt is edge-like for the
 * driver: it reads InterruptStatus and processes every queue on each.
 *
 * A --share (virtio-fs) is the exception on both counts: its queues are
 * virtiofsd's (vhost-user), so its ioeventfds are virtiofsd's kick fds,
 * which this thread never reads, and its interrupts come from
 * virtiofsd's call fds, which this thread reads to set InterruptStatus
 * before it raises the line (devices/virtio_fs.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <unistd.h>

#include "../devices/term.h"
#include "../devices/virtio_console.h"
#include "../devices/virtio_fs.h"
#include "../devices/virtio_net.h"
#include "../devices/virtio_rng.h"
#include "virtio_host.h"

#define DEVICES_MAX PLAN_VIRTIO_MAX
#define EVENTS_MAX 16

/* What an epoll event is about. */
enum { EV_STOP, EV_QUEUE, EV_TAP, EV_CALL };
#define EV(kind, dev, q)                                                       \
	((uint64_t)(kind) | (uint64_t)(dev) << 8 | (uint64_t)(q) << 16)

struct host_dev {
	struct virtio_mmio *mmio;
	int irqfd;
	int ioeventfd[VIRTIO_MMIO_QUEUES_MAX]; /* ours to read and close */
	unsigned gsi;
	struct virtio_fs *fs; /* a share: virtiofsd's kick and call fds */
};

static struct {
	bool started;
	const struct vm *vm;
	struct virtio_mem mem;
	unsigned nr;
	struct host_dev dev[DEVICES_MAX];
	struct virtio_blk blk[ACCEL_DISKS_MAX];
	unsigned nr_blk;
	struct virtio_net net;
	int net_dev; /* index in dev[], or -1 */
	struct virtio_console console;
	int console_dev;
	struct virtio_rng rng;
	int rng_dev;
	struct virtio_fs fs[ACCEL_SHARES_MAX];
	unsigned nr_fs;
	int epfd, stopfd;
	pthread_t thread;
} h = {.net_dev = -1,
       .console_dev = -1,
       .rng_dev = -1,
       .epfd = -1,
       .stopfd = -1};

/* Wiring. */

void virtio_host_console_ready(void)
{
	if (h.console_dev >= 0)
		term_attach(virtio_console_input, &h.console);
}

static void irq_raise(void *opaque)
{
	struct host_dev *d = opaque;
	uint64_t one = 1;

	if (d->irqfd >= 0 && write(d->irqfd, &one, sizeof(one)) == 8)
		return;
	vm_irq_line(h.vm, d->gsi, 1);
	vm_irq_line(h.vm, d->gsi, 0);
}

static void mem_from_vm(const struct vm *vm)
{
	h.mem.nr = 0;
	for (unsigned i = 0; i < vm->nr_slots && i < VIRTIO_MEM_REGIONS_MAX;
	     i++)
		h.mem.r[h.mem.nr++] = (struct virtio_mem_region){
			vm->slots[i].gpa, vm->slots[i].size, vm->slots[i].hva};
}

static int epoll_add(int fd, uint32_t events, uint64_t tag)
{
	struct epoll_event ev = {.events = events, .data.u64 = tag};

	return epoll_ctl(h.epfd, EPOLL_CTL_ADD, fd, &ev);
}

static void epoll_watch(int fd, uint64_t tag, bool on)
{
	struct epoll_event ev = {.events = on ? EPOLLIN : 0, .data.u64 = tag};

	epoll_ctl(h.epfd, EPOLL_CTL_MOD, fd, &ev);
}

static int wire(struct vm *vm, unsigned i, struct db_error *err)
{
	struct host_dev *d = &h.dev[i];
	struct virtio_mmio *m = d->mmio;
	struct kvm_irqfd irqfd = {.gsi = m->irq};

	d->gsi = m->irq;
	d->irqfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	irqfd.fd = (uint32_t)d->irqfd;
	if (d->irqfd >= 0 && ioctl(vm->fd, KVM_IRQFD, &irqfd) < 0) {
		close(d->irqfd);
		d->irqfd = -1;
	}
	for (unsigned q = 0; q < m->ops->nr_queues; q++) {
		struct kvm_ioeventfd io = {
			.datamatch = q,
			.addr = m->base + VIRTIO_MMIO_QUEUE_NOTIFY,
			.len = 4,
			.flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
		};
		int fd = d->fs ? d->fs->kick[q]
			       : eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

		if (!d->fs)
			d->ioeventfd[q] = fd;
		if (fd < 0)
			return db_fail(err, DB_ERR_HOST, "virtio: eventfd: %s",
				       strerror(errno));
		io.fd = fd;
		if (ioctl(vm->fd, KVM_IOEVENTFD, &io) < 0)
			return db_fail(err, DB_ERR_HOST,
				       "virtio: "
				       "KVM_IOEVENTFD at 0x%" PRIx64 ": %s",
				       (uint64_t)io.addr, strerror(errno));
		if (d->fs ? epoll_add(d->fs->call[q], EPOLLIN,
				      EV(EV_CALL, i, q)) < 0
			  : epoll_add(fd, EPOLLIN, EV(EV_QUEUE, i, q)) < 0)
			return db_fail(err, DB_ERR_HOST, "virtio: epoll: %s",
				       strerror(errno));
	}
	return DB_OK;
}

/* A locally administered, unicast MAC: 52:54:00 plus three random. */
static void default_mac(uint8_t mac[6])
{
	mac[0] = 0x52;
	mac[1] = 0x54;
	mac[2] = 0x00;
	if (getrandom(mac + 3, 3, 0) != 3)
		mac[3] = mac[4] = mac[5] = 0x12;
}

static struct host_dev *next_dev(const struct plan *plan, uint64_t *base,
				 unsigned *irq)
{
	struct host_dev *d = &h.dev[h.nr];

	d->irqfd = -1;
	d->fs = NULL;
	for (unsigned q = 0; q < VIRTIO_MMIO_QUEUES_MAX; q++)
		d->ioeventfd[q] = -1;
	*base = plan->virtio[h.nr].gpa;
	*irq = plan->virtio[h.nr].irq;
	h.nr++;
	return d;
}

static int attach_net(const struct accel_config *cfg, const struct plan *plan,
		      struct db_error *err)
{
	char ifname[IFNAMSIZ];
	uint8_t mac[6];
	uint64_t base;
	unsigned irq;
	struct host_dev *d;
	const struct accel_devices *c = &cfg->devices;
	int fd = virtio_net_open_tap(c->tap[0] ? c->tap : NULL, ifname, err);

	if (fd < 0)
		return fd;
	if (c->mac_set)
		memcpy(mac, c->mac, 6);
	else
		default_mac(mac);
	h.net_dev = (int)h.nr;
	d = next_dev(plan, &base, &irq);
	virtio_net_init(&h.net, fd, mac, &h.mem, base, irq, irq_raise, d);
	d->mmio = &h.net.mmio;
	accel_note(cfg,
		   "virtio-net on TAP %s, MAC %02x:%02x:%02x:%02x:%02x:%02x",
		   ifname, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return epoll_add(fd, EPOLLIN, EV(EV_TAP, 0, 0)) < 0
		       ? db_fail(err, DB_ERR_HOST, "virtio: epoll: %s",
				 strerror(errno))
		       : DB_OK;
}

/* Guest RAM as virtiofsd maps it: every slot a memfd (vm_share_ram()). */
static int ram_regions(struct vhost_user_region *r, unsigned *n,
		       struct db_error *err)
{
	const struct vm *vm = h.vm;

	if (vm->nr_slots > VHOST_USER_MEM_REGIONS_MAX)
		return db_fail(err, DB_ERR_HOST,
			       "--share: %u RAM slots, vhost-user takes %d",
			       vm->nr_slots, VHOST_USER_MEM_REGIONS_MAX);
	for (unsigned i = 0; i < vm->nr_slots; i++) {
		const struct vm_slot *s = &vm->slots[i];

		if (s->memfd < 0)
			return db_fail(err, DB_ERR_HOST,
				       "--share: guest RAM at 0x%" PRIx64
				       " is not shareable (no memfd)",
				       s->gpa);
		r[i] = (struct vhost_user_region){.gpa = s->gpa,
						  .size = s->size,
						  .uaddr = (uintptr_t)s->hva,
						  .offset = 0,
						  .fd = s->memfd};
	}
	*n = vm->nr_slots;
	return DB_OK;
}

/* Start every share's virtiofsd, once (virtio_host_prepare()). */
static int spawn_shares(const struct accel_config *cfg, struct db_error *err)
{
	const struct accel_devices *c = &cfg->devices;
	char bin[VIRTIOFSD_PATH_MAX];
	int ret = h.nr_fs ? DB_OK : virtiofsd_find(bin, err);

	for (unsigned i = h.nr_fs; !ret && i < c->nr_shares; i++) {
		const struct accel_share *a = &c->shares[i];
		struct virtio_fs_share s = {
			.dir = a->dir, .ro = a->ro, .quiet = !cfg->debug};

		snprintf(s.tag, sizeof(s.tag), "%s", a->tag);
		ret = virtio_fs_spawn(&h.fs[h.nr_fs++], bin, &s, err);
	}
	return ret;
}

static int attach_shares(const struct accel_config *cfg,
			 const struct plan *plan, struct db_error *err)
{
	const struct accel_devices *c = &cfg->devices;
	struct vhost_user_region ram[VHOST_USER_MEM_REGIONS_MAX];
	unsigned nr_ram = 0;
	uint64_t base, t0 = accel_now_ns();
	unsigned irq;
	int ret = spawn_shares(cfg, err);

	if (!ret)
		ret = ram_regions(ram, &nr_ram, err);
	for (unsigned i = 0; !ret && i < c->nr_shares; i++) {
		const struct accel_share *a = &c->shares[i];
		struct virtio_fs *fs = &h.fs[i];
		struct host_dev *d;

		ret = virtio_fs_connect(fs, ram, nr_ram, err);
		if (ret)
			break;
		d = next_dev(plan, &base, &irq);
		virtio_fs_attach(fs, &h.mem, base, irq, irq_raise, d);
		d->mmio = &fs->mmio;
		d->fs = fs;
		accel_note(cfg, "virtio-fs '%s' on %s%s (virtiofsd %d)", a->tag,
			   a->dir, a->ro ? ", read-only" : "",
			   (int)fs->daemon.pid);
	}
	/* What the VM's set-up did not hide of virtiofsd's start-up. */
	if (!ret)
		accel_timing(cfg, " virtio-fs: virtiofsd connected",
			     accel_now_ns() - t0);
	return ret;
}

static int attach_all(const struct accel_config *cfg, const struct plan *plan,
		      struct db_error *err)
{
	const struct accel_devices *c = &cfg->devices;
	struct host_dev *d;
	uint64_t base;
	unsigned irq;
	int ret;

	for (unsigned i = 0; i < c->nr_disks; i++) {
		ret = virtio_blk_open(&h.blk[i], &c->disks[i], i, err);
		if (ret)
			return ret;
		h.nr_blk++;
		d = next_dev(plan, &base, &irq);
		virtio_blk_attach(&h.blk[i], &h.mem, base, irq, irq_raise, d);
		d->mmio = &h.blk[i].mmio;
	}
	if (c->net) {
		ret = attach_net(cfg, plan, err);
		if (ret)
			return ret;
	}
	if (c->console) {
		h.console_dev = (int)h.nr;
		d = next_dev(plan, &base, &irq);
		virtio_console_init(&h.console, STDOUT_FILENO, &h.mem, base,
				    irq, irq_raise, d);
		d->mmio = &h.console.mmio;
		/* The loop's init says when its console may take stdin
		 * (virtio_host_console_ready()). */
		if (!cfg->devloop)
			term_attach(virtio_console_input, &h.console);
	}
	if (c->rng) {
		h.rng_dev = (int)h.nr;
		d = next_dev(plan, &base, &irq);
		virtio_rng_init(&h.rng, c->rng_rate, accel_now_ns, &h.mem, base,
				irq, irq_raise, d);
		d->mmio = &h.rng.mmio;
	}
	return c->nr_shares ? attach_shares(cfg, plan, err) : DB_OK;
}

/* The I/O thread. */

static void on_queue(unsigned dev, unsigned q)
{
	uint64_t n;

	if (read(h.dev[dev].ioeventfd[q], &n, sizeof(n)) < 0 && errno != EAGAIN)
		return;
	virtio_mmio_notify(h.dev[dev].mmio, q);
	/* New receive buffers: look at the host side again. */
	if ((int)dev == h.net_dev && q == VIRTIO_NET_RX)
		epoll_watch(h.net.tap_fd, EV(EV_TAP, 0, 0), true);
}

static void on_tap(void)
{
	enum virtio_net_rx r;

	do
		r = virtio_net_rx(&h.net);
	while (r == VIRTIO_NET_RX_MORE);
	if (r == VIRTIO_NET_RX_NO_BUFFER)
		epoll_watch(h.net.tap_fd, EV(EV_TAP, 0, 0), false);
}

/* The rng's wait, in ms for epoll_wait, or -1. */
/*
 * The rng's retry: when it waits for tokens, the deadline (CLOCK_MONOTONIC
 * ns) at which to kick its queue again, else 0.  An absolute deadline,
 * so that a stream of other events cannot postpone it for ever.
 */
static uint64_t rng_deadline(uint64_t old)
{
	uint64_t w;

	if (h.rng_dev < 0)
		return 0;
	virtio_mmio_lock(&h.rng.mmio);
	w = h.rng.wait_ns;
	virtio_mmio_unlock(&h.rng.mmio);
	if (!w)
		return 0;
	return old ? old : accel_now_ns() + w;
}

static int ms_until(uint64_t deadline)
{
	uint64_t now = accel_now_ns();

	if (!deadline)
		return -1;
	return deadline <= now ? 0 : (int)((deadline - now + 999999) / 1000000);
}

static void *io_thread(void *arg)
{
	struct epoll_event ev[EVENTS_MAX];
	uint64_t deadline = 0;

	for (;;) {
		int n;

		deadline = rng_deadline(deadline);
		n = epoll_wait(h.epfd, ev, EVENTS_MAX, ms_until(deadline));
		if (n < 0 && errno != EINTR)
			break;
		if (deadline && accel_now_ns() >= deadline) {
			deadline = 0;
			virtio_mmio_notify(&h.rng.mmio, 0);
		}
		for (int i = 0; i < n; i++) {
			uint64_t tag = ev[i].data.u64;

			switch (tag & 0xff) {
			case EV_STOP:
				return arg;
			case EV_QUEUE:
				on_queue((tag >> 8) & 0xff, (tag >> 16) & 0xff);
				break;
			case EV_TAP:
				on_tap();
				break;
			case EV_CALL:
				virtio_fs_call(h.dev[(tag >> 8) & 0xff].fs,
					       (tag >> 16) & 0xff);
				break;
			}
		}
	}
	return arg;
}

int virtio_host_prepare(const struct accel_config *cfg, struct db_error *err)
{
	return cfg->devices.nr_shares ? spawn_shares(cfg, err) : DB_OK;
}

int virtio_host_start(const struct accel_config *cfg, struct vm *vm,
		      const struct plan *plan, struct db_error *err)
{
	const struct accel_devices *c = &cfg->devices;
	sigset_t all, old;
	int ret;

	if (!accel_devices_count(c))
		return DB_OK;
	if (plan->nr_virtio != accel_devices_count(c))
		return db_fail(err, DB_ERR_HOST,
			       "virtio: the plan has %u "
			       "windows for %u devices",
			       plan->nr_virtio, accel_devices_count(c));
	h.vm = vm;
	mem_from_vm(vm);
	h.epfd = epoll_create1(EPOLL_CLOEXEC);
	h.stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (h.epfd < 0 || h.stopfd < 0 ||
	    epoll_add(h.stopfd, EPOLLIN, EV(EV_STOP, 0, 0)) < 0)
		return db_fail(err, DB_ERR_HOST, "virtio: epoll: %s",
			       strerror(errno));
	ret = attach_all(cfg, plan, err);
	for (unsigned i = 0; !ret && i < h.nr; i++)
		ret = wire(vm, i, err);
	if (ret)
		return ret;
	/* The I/O thread takes no process signal. */
	sigfillset(&all);
	sigdelset(&all, SIGSYS); /* the sandbox's trap must name the call */
	pthread_sigmask(SIG_BLOCK, &all, &old);
	ret = pthread_create(&h.thread, NULL, io_thread, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret)
		return db_fail(err, DB_ERR_HOST,
			       "virtio: cannot start the "
			       "I/O thread: %s",
			       strerror(ret));
	h.started = true;
	return DB_OK;
}

bool virtio_host_mmio(uint64_t addr, uint8_t *data, unsigned len, bool is_write)
{
	for (unsigned i = 0; i < h.nr; i++) {
		struct virtio_mmio *m = h.dev[i].mmio;

		if (!m || addr < m->base ||
		    addr - m->base >= VIRTIO_MMIO_WINDOW)
			continue;
		if (len > 8 || addr - m->base + len > VIRTIO_MMIO_WINDOW)
			return true;
		if (is_write)
			virtio_mmio_write(m, addr - m->base, data, len);
		else
			virtio_mmio_read(m, addr - m->base, data, len);
		return true;
	}
	return false;
}

unsigned virtio_host_backends(int *socks, int *pids, unsigned max)
{
	unsigned n = 0;

	for (unsigned i = 0; i < h.nr_fs && n < max; i++, n++) {
		socks[n] = h.fs[i].daemon.sock;
		pids[n] = (int)h.fs[i].daemon.pid;
	}
	return n;
}

void virtio_host_stop(void)
{
	uint64_t one = 1;

	if (h.started) {
		if (write(h.stopfd, &one, sizeof(one)) != sizeof(one))
			pthread_cancel(h.thread);
		pthread_join(h.thread, NULL);
		h.started = false;
	}
	for (unsigned i = 0; i < h.nr; i++) {
		if (h.dev[i].irqfd >= 0)
			close(h.dev[i].irqfd);
		for (unsigned q = 0; q < VIRTIO_MMIO_QUEUES_MAX; q++)
			if (h.dev[i].ioeventfd[q] >= 0)
				close(h.dev[i].ioeventfd[q]);
	}
	if (h.console_dev >= 0)
		term_attach(NULL, NULL);
	for (unsigned i = 0; i < h.nr_blk; i++)
		virtio_blk_close(&h.blk[i]);
	for (unsigned i = 0; i < h.nr_fs; i++)
		virtio_fs_close(&h.fs[i]);
	if (h.net_dev >= 0)
		close(h.net.tap_fd);
	if (h.epfd >= 0)
		close(h.epfd);
	if (h.stopfd >= 0)
		close(h.stopfd);
	h.nr = h.nr_blk = h.nr_fs = 0;
	h.epfd = h.stopfd = -1;
	h.net_dev = h.console_dev = h.rng_dev = -1;
}
