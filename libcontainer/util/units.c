/* SPDX-License-Identifier: Apache-2.0 */
/* Sizes ("256m") and durations ("5s") as runc's command line takes them. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/units.h"

/* A decimal number filling all of s[0..len), no sign, no blanks. */
static bool number(const char *s, size_t len, double *out)
{
    char buf[64];
    if (len == 0 || len >= sizeof(buf) || s[0] == ' ' || s[0] == '+' || s[0] == '-')
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (errno || *end || !isfinite(v))
        return false;
    *out = v;
    return true;
}

int veil_parse_ram_size(const char *s, int64_t *bytes, veil_error **err)
{
    /* the number ends at the last digit, dot or blank */
    const char *sep = NULL;
    for (const char *p = s; *p; p++)
        if ((*p >= '0' && *p <= '9') || *p == '.' || *p == ' ')
            sep = p;
    if (sep == NULL)
        return veil_error_set(err, 0, "invalid size: '%s'", s);
    size_t numlen = (size_t)(sep - s) + (*sep == ' ' ? 0 : 1);
    const char *sfx = sep + 1;
    double v;
    if (!number(s, numlen, &v) || v < 0)
        return veil_error_set(err, 0, "invalid size: '%s'", s);
    size_t n = strlen(sfx);
    if (n > 3)
        return veil_error_set(err, 0, "invalid suffix: '%s'", sfx);
    char low[4] = "";
    for (size_t i = 0; i < n; i++)
        low[i] = (char)(sfx[i] >= 'A' && sfx[i] <= 'Z' ? sfx[i] - 'A' + 'a' : sfx[i]);
    low[n] = '\0';
    double mul = 1;
    if (n > 0 && low[0] == 'b') {
        if (n > 1)
            return veil_error_set(err, 0, "invalid suffix: '%s'", low);
    } else if (n > 0) {
        const char *units = "kmgtp";
        const char *u = strchr(units, low[0]);
        if (u == NULL)
            return veil_error_set(err, 0, "invalid suffix: '%s'", low);
        mul = ldexp(1.0, 10 * (int)(u - units + 1));
        if ((n == 2 && low[1] != 'b') || (n == 3 && strcmp(low + 1, "ib") != 0))
            return veil_error_set(err, 0, "invalid suffix: '%s'", low);
    }
    v *= mul;
    if (v >= 9223372036854775807.0)
        return veil_error_set(err, 0, "invalid size: '%s' (too large)", s);
    *bytes = (int64_t)v;
    return 0;
}

static double unit_ns(const char *u, size_t len)
{
    static const struct {
        const char *name;
        double ns;
    } units[] = {
        {"ns", 1},   {"us", 1e3},         {"\xc2\xb5s", 1e3}, {"\xce\xbcs", 1e3},
        {"ms", 1e6}, {"s", 1e9},          {"m", 60e9},        {"h", 3600e9},
    };
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
        if (strlen(units[i].name) == len && memcmp(units[i].name, u, len) == 0)
            return units[i].ns;
    return 0;
}

int veil_parse_duration(const char *s, uint64_t *ns, veil_error **err)
{
    if (*s == '\0')
        return veil_error_set(err, 0, "invalid duration \"\"");
    if (*s == '-')
        return veil_error_set(err, 0, "invalid duration \"%s\": it must not be negative", s);
    const char *p = *s == '+' ? s + 1 : s;
    double total = 0, v;
    /* a plain number: seconds */
    if (p[strspn(p, "0123456789.")] == '\0') {
        if (!number(p, strlen(p), &v))
            return veil_error_set(err, 0, "invalid duration \"%s\"", s);
        total = v * 1e9;
    } else {
        while (*p) {
            size_t nl = strspn(p, "0123456789.");
            if (nl == 0 || !number(p, nl, &v))
                return veil_error_set(err, 0, "invalid duration \"%s\"", s);
            p += nl;
            size_t ul = strcspn(p, "0123456789.");
            double mul = unit_ns(p, ul);
            if (ul == 0)
                return veil_error_set(err, 0, "missing unit in duration \"%s\"", s);
            if (mul == 0)
                return veil_error_set(err, 0, "unknown unit \"%.*s\" in duration \"%s\"", (int)ul,
                                      p, s);
            total += v * mul;
            p += ul;
        }
    }
    if (total >= 18446744073709551615.0)
        return veil_error_set(err, 0, "invalid duration \"%s\" (too long)", s);
    *ns = (uint64_t)(total + 0.5);
    return 0;
}
