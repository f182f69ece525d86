# The launcher links statically (the sanitizer build cannot).  Its memory
# overhead is mostly the pages of the libraries it maps: dynamically,
# glibc alone brings 1.2 MiB of RSS through the kernel's fault-around and
# the seven other libraries 0.8 MiB more, for a total near 2.7 MiB; a
# static directboot runs the probe in about 1.3 MiB (bench/launch), under
# the 2 MiB goal, and skips ld.so's work before main().
ifneq ($(SAN),1)
$(BUILD)/directboot: LDFLAGS += -static
endif
