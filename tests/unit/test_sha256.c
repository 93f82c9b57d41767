/* SPDX-License-Identifier: Apache-2.0 */
/* SHA-256 against the FIPS 180-2 examples and padding-boundary lengths. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "util/sha256.h"
#include "tests/support/run_suite.h"

static void hex_of(const void *data, size_t len, char out[VEIL_SHA256_HEX_LEN + 1])
{
    uint8_t d[VEIL_SHA256_LEN];
    veil_sha256(data, len, d);
    veil_hex(d, sizeof(d), out);
}

static char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);
    ck_assert_ptr_nonnull(s);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

START_TEST(test_fips_vectors)
{
    static const struct {
        const char *in, *hex;
    } v[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopq"
         "rsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
        {"The quick brown fox jumps over the lazy dog",
         "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592"},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        char hex[VEIL_SHA256_HEX_LEN + 1];
        hex_of(v[i].in, strlen(v[i].in), hex);
        ck_assert_str_eq(hex, v[i].hex);
    }
}
END_TEST

START_TEST(test_million_a)
{
    char *s = repeat('a', 1000000);
    char hex[VEIL_SHA256_HEX_LEN + 1];
    hex_of(s, 1000000, hex);
    ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(s);
}
END_TEST

/* Lengths around the 56-byte padding boundary and block multiples. */
START_TEST(test_padding_boundaries)
{
    static const struct {
        size_t n;
        const char *hex;
    } v[] = {
        {55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
        {56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
        {57, "f13b2d724659eb3bf47f2dd6af1accc87b81f09f59f2b75e5c0bed6589dfe8c6"},
        {63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
        {64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
        {65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"},
        {119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"},
        {120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"},
        {128, "6836cf13bac400e9105071cd6af47084dfacad4e5e302c94bfed24e013afb73e"},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        char *s = repeat('a', v[i].n);
        char hex[VEIL_SHA256_HEX_LEN + 1];
        hex_of(s, v[i].n, hex);
        ck_assert_msg(strcmp(hex, v[i].hex) == 0, "length %zu: %s", v[i].n, hex);
        free(s);
    }
}
END_TEST

/* Feeding the input in pieces of every size gives the one-shot digest. */
START_TEST(test_streaming_splits)
{
    uint8_t data[300];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 131 + 7);
    uint8_t want[VEIL_SHA256_LEN];
    veil_sha256(data, sizeof(data), want);
    for (size_t piece = 1; piece <= 130; piece++) {
        veil_sha256_ctx s;
        veil_sha256_init(&s);
        for (size_t off = 0; off < sizeof(data); off += piece) {
            size_t n = sizeof(data) - off < piece ? sizeof(data) - off : piece;
            veil_sha256_update(&s, data + off, n);
        }
        uint8_t got[VEIL_SHA256_LEN];
        veil_sha256_final(&s, got);
        ck_assert_msg(memcmp(got, want, sizeof(want)) == 0, "piece size %zu", piece);
    }
}
END_TEST

START_TEST(test_hex)
{
    const uint8_t in[] = {0x00, 0x0f, 0xa5, 0xff};
    char out[9];
    veil_hex(in, sizeof(in), out);
    ck_assert_str_eq(out, "000fa5ff");
}
END_TEST

static Suite *sha256_suite(void)
{
    Suite *s = suite_create("sha256");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_fips_vectors);
    tcase_add_test(tc, test_million_a);
    tcase_add_test(tc, test_padding_boundaries);
    tcase_add_test(tc, test_streaming_splits);
    tcase_add_test(tc, test_hex);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run_suite(sha256_suite());
}
