/* SPDX-License-Identifier: MIT */
/*
 * A tiny streaming JSON writer for the CLI: objects, arrays, strings,
 * unsigned numbers and booleans, indented two spaces.  The caller keeps
 * the nesting balanced; strings are escaped so any bytes give valid JSON.
 */
#ifndef DIRECTBOOT_CLI_JSON_H
#define DIRECTBOOT_CLI_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_DEPTH_MAX 16

struct json {
	FILE *f;
	int depth;
	bool first[JSON_DEPTH_MAX]; /* no member written yet at this depth */
};

void json_init(struct json *j, FILE *f);

/* key is the member name inside an object, NULL inside an array. */
void json_object_begin(struct json *j, const char *key);
void json_object_end(struct json *j);
void json_array_begin(struct json *j, const char *key);
void json_array_end(struct json *j);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_str(struct json *j, const char *key, const char *s);
void json_null(struct json *j, const char *key);

#endif
