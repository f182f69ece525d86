# The virtio unit tests drive the device models directly (no KVM), so
# they link the devices' objects besides the library, and the host
# terminal's (virtio-console's input and output), and virtio-fs's
# vhost-user front-end and virtiofsd.  test_virtio_blk
# wraps fdatasync to see when a FLUSH completes.

VIRTIO_DEV_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard devices/virtio_*.c)) \
	$(BUILD)/devices/term.o $(BUILD)/devices/vhost_user.o \
	$(BUILD)/devices/virtiofsd.o
VIRTIO_UNIT_BINS := $(filter $(BUILD)/tests/unit/test_virtio_%,$(UNIT_BINS))

$(VIRTIO_UNIT_BINS): $(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o \
		$(VIRTIO_DEV_OBJS) $(BUILD)/libdirectboot.a
	$(CC) $(LDFLAGS) $(VIRTIO_TEST_LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka -lpthread

$(BUILD)/tests/unit/test_virtio_blk: VIRTIO_TEST_LDFLAGS := -Wl,--wrap=fdatasync
