// SPDX-License-Identifier: MIT
/*
 * Payload decompression on arbitrary bytes, all seven formats plus the
 * uncompressed ELF, with a small output bound so that a hostile size
 * trailer or a decompression bomb is refused rather than obeyed.  The
 * first input byte chooses the bound, so that both "trailer over the
 * bound" and "stream longer than its trailer" are reached.
 */
#include "directboot/payload.h"
#include "fuzz.h"

/* Small enough that every execution stays fast under ASan. */
static const size_t bounds[] = { 256 << 10, 4096, 64 << 10, 1 << 20 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct db_error err = { 0 };
	enum payload_format fmt;
	uint8_t *out = NULL;
	size_t out_size = 0, max_out;
	int ret;

	if (size < 1)
		return 0;
	max_out = bounds[data[0] & 3];
	data++;
	size--;
	fmt = payload_detect(data, size);
	(void)payload_format_name(fmt);
	(void)payload_trailer_size(data, size);
	ret = payload_decompress(data, size, max_out, &out, &out_size, &err);
	fuzz_check_error(ret, &err);
	if (ret) {
		if (out)
			abort(); /* nothing handed back on failure */
		return 0;
	}
	if (!out || out_size > max_out)
		abort();
	/* The promise is that the output matches the trailer. */
	if (fmt != PAYLOAD_NONE && out_size != payload_trailer_size(data, size))
		abort();
	/* Touch every byte, so that ASan sees a short allocation. */
	uint8_t sum = 0;
	for (size_t i = 0; i < out_size; i++)
		sum ^= out[i];
	__asm__ volatile("" : : "r"(sum));
	free(out);
	return 0;
}
