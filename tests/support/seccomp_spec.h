/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/*
 * Test support only: reads a `linux.seccomp` object (or a whole config.json)
 * into a veil_spec_seccomp, so the seccomp tests and the timing tool can run
 * before the spec parser lands.  Lenient: it checks types, not the schema.
 */
#include <veil/spec.h>

veil_spec_seccomp *test_seccomp_from_json(const char *json, veil_error **err);
veil_spec_seccomp *test_seccomp_from_file(const char *path, veil_error **err);
void test_seccomp_free(veil_spec_seccomp *sc);
