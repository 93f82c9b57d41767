/* SPDX-License-Identifier: Apache-2.0 */
/* spec-check FILE...: loads each config with veil_spec_load and prints "OK"
 * or the error; exits 1 if any failed.  Used by the schema agreement test. */
#include <stdio.h>

#include <veil/spec.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE...\n", argv[0]);
        return 2;
    }
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        veil_error *err = NULL;
        veil_spec *spec = veil_spec_load(argv[i], &err);
        if (spec) {
            printf("OK\n");
        } else {
            printf("%s\n", err && err->msg ? err->msg : "unknown error");
            rc = 1;
        }
        veil_spec_free(spec);
        veil_error_free(err);
    }
    return rc;
}
