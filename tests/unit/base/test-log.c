/* SPDX-License-Identifier: MIT */
/* base/log.c: one line per message, escaped whatever it quotes. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "log.h"
#include "test.h"

/* What one log call wrote to stderr. malloc'ed. */
static char *captured(void (*emit)(void)) {
        FILE *tmp = tmpfile();
        test_assert(tmp);
        fflush(stderr);
        int saved = dup(STDERR_FILENO);
        test_assert(saved >= 0);
        test_assert(dup2(fileno(tmp), STDERR_FILENO) >= 0);
        emit();
        fflush(stderr);
        test_assert(dup2(saved, STDERR_FILENO) >= 0);
        close(saved);
        rewind(tmp);
        char *buf = calloc(1, 4096);
        test_assert(buf);
        size_t n = fread(buf, 1, 4095, tmp);
        buf[n] = '\0';
        fclose(tmp);
        return buf;
}

static void emit_hostile(void) {
        log_error("--rtt '%s': not a duration", "8\x1b[2J\xc2\x9b" "1m\xe2\x80\xae\xff\n");
}
static void emit_plain(void) {
        log_warning("%s: %s", "/etc/sysctl.d/r\xc3\xa9seau.conf", "kept");
}
static void emit_errno(void) {
        test_assert_int(log_error_errno(5, "x\ty"), -5);
}

/* A module's failure line (error_format(), as written) on a terminal. */
static void emit_error(void) {
        struct error e = {};
        error_set(&e, -EINVAL, "/etc/a\nb.ini", 2, "key '\x1b[31mred' \xe2\x80\xae" "x \xff");
        _cleanup_free_ char *l = error_format(&e), *t = error_format_at("/f", 4, "tab\there"),
                            *u = error_format_at(NULL, 4, "caf\xc3\xa9");
        log_error("%s", l);
        log_error("%s", t);
        log_error("%s", u);
        error_done(&e);
}

static void test_escaped(void) {
        _cleanup_free_ char *a = captured(emit_hostile);
        test_assert_str(a, "tcptune: --rtt '8\\x1b[2J\\xc2\\x9b1m\\xe2\\x80\\xae\\xff\\x0a': not a duration\n");
        test_assert_str(log_last_error(), "--rtt '8\\x1b[2J\\xc2\\x9b1m\\xe2\\x80\\xae\\xff\\x0a': not a duration");
        /* printable UTF-8 is kept as it is */
        _cleanup_free_ char *b = captured(emit_plain);
        test_assert_str(b, "tcptune: warning: /etc/sysctl.d/r\xc3\xa9seau.conf: kept\n");
        _cleanup_free_ char *c = captured(emit_errno);
        test_assert_str(c, "tcptune: x\\x09y\n");
        _cleanup_free_ char *d = captured(emit_error);
        test_assert_str(d, "tcptune: /etc/a\\x0ab.ini:2: key '\\x1b[31mred' \\xe2\\x80\\xaex \\xff\n"
                           "tcptune: /f:4: tab\\x09here\n"
                           "tcptune: caf\xc3\xa9\n");
}

int main(void) {
        TEST(test_escaped);
        return test_done();
}
