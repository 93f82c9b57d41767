/* SPDX-License-Identifier: Apache-2.0 */
#pragma once
/* veil_strerror: the text of an errno value, the same whatever libc veil is
 * built with (glibc's texts, which runc's and crun's users see and match on:
 * "Too many levels of symbolic links", not musl's "Symbolic link loop").
 * A constant string: no locale, no allocation, safe after fork. */
const char *veil_strerror(int errnum);
