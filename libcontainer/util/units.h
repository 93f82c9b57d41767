/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/* Parsing of the human-written sizes and durations runc's flags accept. */
#include <stdint.h>

#include <veil/error.h>

/* A memory size as `runc update --memory` takes it: a number (decimals
 * allowed), an optional space, and an optional binary unit, case-blind:
 * "" or "b" (bytes), "k", "kb", "kib" (KiB), likewise m, g, t, p.
 * "256m" and "256MiB" are 268435456.  Errors in runc's words:
 * "invalid size: '...'", "invalid suffix: '...'". */
int veil_parse_ram_size(const char *s, int64_t *bytes, veil_error **err);

/* A duration: Go's syntax ("5s", "1m30s", "100ms", "1.5h"; units ns, us,
 * ms, s, m, h), or a plain number of seconds ("5", "0.5").  Negative
 * values are refused. */
int veil_parse_duration(const char *s, uint64_t *ns, veil_error **err);
