/* SPDX-License-Identifier: MIT */
#include "suggest.h"
#include "test.h"

static void test_distance(void) {
        static const struct {
                const char *a, *b;
                unsigned d;
        } cases[] = {
                { "", "", 0 },                     { "abc", "", 3 },
                { "", "abc", 3 },                  { "explian", "explain", 1 },   /* swap */
                { "dryrun", "dry-run", 1 },        { "fast-failvoer", "fast-failover", 1 },
                { "fin_wait_2", "fin-wait-2", 0 }, { "TCP_Retries2", "tcp_retries2", 0 },
                { "modle", "model", 1 },           { "kitten", "sitting", 3 },
                { "ca", "abc", 3 },                /* OSA, not full Damerau (2) */
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                unsigned d = suggest_distance(cases[i].a, cases[i].b);
                if (d != cases[i].d)
                        printf("# \"%s\" \"%s\"\n", cases[i].a, cases[i].b);
                test_assert_int(d, cases[i].d);
        }
        char long_word[SUGGEST_MAX_LEN + 2];
        memset(long_word, 'a', sizeof(long_word) - 1);
        long_word[sizeof(long_word) - 1] = '\0';
        test_assert(suggest_distance(long_word, "a") == SUGGEST_FAR);
}

static void test_nearest(void) {
        static const char *const commands[] = { "audit", "config", "explain", "model", "advise", "profile", "sockets" };
        static const char *const scenarios[] = { "established", "idle", "connect", "accept", "orphan", "fin-wait-2",
                                                 "zero-window" };
        test_assert_str(suggest_nearest("explian", commands, ELEMENTSOF(commands)), "explain");
        test_assert_str(suggest_nearest("modle", commands, ELEMENTSOF(commands)), "model");
        test_assert_str(suggest_nearest("socket", commands, ELEMENTSOF(commands)), "sockets");
        test_assert_str(suggest_nearest("fin_wait_2", scenarios, ELEMENTSOF(scenarios)), "fin-wait-2");
        test_assert_str(suggest_nearest("establshed", scenarios, ELEMENTSOF(scenarios)), "established");
        /* Nothing close: no guess. */
        test_assert(suggest_nearest("frobnicate", commands, ELEMENTSOF(commands)) == NULL);
        test_assert(suggest_nearest("ls", commands, ELEMENTSOF(commands)) == NULL);
        test_assert(suggest_nearest("xyz", commands, ELEMENTSOF(commands)) == NULL);
        /* An exact match is no suggestion. */
        test_assert(suggest_nearest("audit", commands, ELEMENTSOF(commands)) == NULL);
        /* Ties: the first. */
        static const char *const two[] = { "tcp_retries1", "tcp_retries2" };
        test_assert_str(suggest_nearest("tcp_retries3", two, ELEMENTSOF(two)), "tcp_retries1");
        test_assert(suggest_nearest("x", NULL, 0) == NULL);
}

int main(void) {
        TEST(test_distance);
        TEST(test_nearest);
        return test_done();
}
