/* SPDX-License-Identifier: MIT */
/* What every renderer shares, and what fuzz-render found: JSON stays
 * UTF-8 whatever bytes a string holds; text shows untrusted names and
 * lines escaped. */
#include <json-c/json.h>
#include <stdio.h>

#include "escape.h"
#include "output-config.h"
#include "output.h"
#include "test.h"

static char *render_json(json_object *o) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        test_assert(f != NULL);
        test_assert_int(json_print(o, f), 0);
        fclose(f);
        return buf;
}

static void test_json_not_utf8(void) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "file", json_object_new_string("/etc/sysctl.d/\xff\xc3\xa9\xe2\x82.conf"));
        json_object_object_add(o, "ok", json_object_new_string("caf\xc3\xa9\t\x1b"));
        char *s = render_json(o);
        test_assert(utf8_valid(s, strlen(s)));
        json_object *back = json_tokener_parse(s);
        test_assert(back != NULL);
        json_object *v;
        test_assert(json_object_object_get_ex(back, "file", &v));
        /* Each byte that is not UTF-8 as the text \xNN; the rest kept. */
        test_assert_str(json_object_get_string(v), "/etc/sysctl.d/\\xff\xc3\xa9\\xe2\\x82.conf");
        test_assert(json_object_object_get_ex(back, "ok", &v));
        test_assert_str(json_object_get_string(v), "caf\xc3\xa9\t\x1b");
        json_object_put(back);
        json_object_put(o);
        free(s);
}

static void test_cat_escapes(void) {
        char *lines[] = { strdup("net.ipv4.tcp_sack\t= 1"), strdup("# \x1b]0;owned\x07 \xe2\x80\xae"), NULL };
        struct config_cat_file file = { .file = "/etc/sysctl.d/\x1b[2J.conf", .lines = lines, .n_lines = 2 };
        struct config_cat cat = { .files = &file, .n_files = 1 };
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        struct output out = { .stream = f, .format = FORMAT_TEXT, .width = OUTPUT_WIDTH, .terminal = true };
        test_assert_int(output_config_cat(&out, &cat), 0);
        fclose(f);
        /* On a terminal tabs stay (drop-ins indent with them); every
         * other control goes. */
        test_assert_str(buf, "# /etc/sysctl.d/\\x1b[2J.conf\n"
                             "net.ipv4.tcp_sack\t= 1\n"
                             "# \\x1b]0;owned\\x07 \\xe2\\x80\\xae\n");
        free(buf);
        /* Into a pipe, as systemd-sysctl --cat-config writes them. */
        f = open_memstream(&buf, &len);
        out = (struct output) { .stream = f, .format = FORMAT_TEXT, .width = OUTPUT_WIDTH };
        test_assert_int(output_config_cat(&out, &cat), 0);
        fclose(f);
        test_assert_str(buf, "# /etc/sysctl.d/\x1b[2J.conf\nnet.ipv4.tcp_sack\t= 1\n# \x1b]0;owned\x07 \xe2\x80\xae\n");
        free(buf);
        free(lines[0]);
        free(lines[1]);
}

int main(void) {
        TEST(test_json_not_utf8);
        TEST(test_cat_escapes);
        return test_done();
}
