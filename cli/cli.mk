# The CLI's own libraries: nettle for the SHA-256 that keys the
# decompressed-ELF cache (cli/cache.c).
CLI_LIBS += -lnettle
