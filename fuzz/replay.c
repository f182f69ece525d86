// SPDX-License-Identifier: MIT
/*
 * Replays inputs through a harness without libFuzzer, so that every
 * crash a campaign found stays a test of the gcc builds (normal and
 * ASan/UBSan): replay-<harness> FILE...  Exit 0 when every input ran;
 * a harness that crashes takes the process with it.
 */
#include <errno.h>
#include <stdio.h>

#include "fuzz.h"

static int replay(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t size = 0, cap = 0, n;

	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	do {
		if (size == cap) {
			uint8_t *nb = realloc(buf, cap = cap * 2 + 4096);

			if (!nb) {
				fclose(f);
				free(buf);
				return -1;
			}
			buf = nb;
		}
		n = fread(buf + size, 1, cap - size, f);
		size += n;
	} while (n);
	fclose(f);
	/* An exact-size copy, so that ASan catches a read one past the end. */
	uint8_t *exact = malloc(size ? size : 1);

	if (!exact) {
		free(buf);
		return -1;
	}
	memcpy(exact, buf, size);
	free(buf);
	LLVMFuzzerTestOneInput(exact, size);
	free(exact);
	return 0;
}

int main(int argc, char **argv)
{
	int bad = 0;

	for (int i = 1; i < argc; i++)
		bad |= replay(argv[i]);
	printf("replay: %d input(s) ran\n", argc - 1);
	return bad ? 1 : 0;
}
