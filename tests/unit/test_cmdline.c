// SOURCES: kernel/lib/string.c kernel/lib/printk.c kernel/lib/cmdline.c tests/unit/spinlock_host.c
/* test_cmdline.c - the kernel command line parser (kernel/lib/cmdline.c): defaults, each
 * option, init's arguments after "--", and the problems it reports for words it rejects.
 */
#include "unit.h"

#include "cmdline.h"
#include "smp.h"
#include "printk.h"

static struct kernel_options opts;

/* Does s contain text? (The kernel's string.h, which the tests see, has no strstr.) */
static bool contains(const char *s, const char *text)
{
    for (; *s; s++)
        if (strncmp(s, text, strlen(text)) == 0)
            return true;
    return false;
}

/* Does one of the reported problems contain text? */
static bool problem_mentions(const char *text)
{
    for (int i = 0; i < opts.problem_count && i < CMDLINE_MAX_PROBLEMS; i++)
        if (contains(opts.problems[i], text))
            return true;
    return false;
}

/* The defaults, whatever was in opts before. */
static void check_defaults(void)
{
    CHECK_STR(opts.init, "/sbin/init");
    CHECK_STR(opts.sched, "rr");
    CHECK_STR(opts.console, "");
    CHECK_EQ(opts.loglevel, LOGLEVEL_DEFAULT);
    CHECK_EQ(opts.loglevel, 6);
    CHECK_EQ(opts.init_argc, 0);
    CHECK_EQ(opts.problem_count, 0);
}

TEST(empty_command_line_gives_the_defaults)
{
    memset(&opts, 0x55, sizeof(opts));
    cmdline_parse("", &opts);
    check_defaults();
}

TEST(null_command_line_gives_the_defaults)
{
    memset(&opts, 0x55, sizeof(opts));
    cmdline_parse(NULL, &opts);
    check_defaults();
}

TEST(blank_command_line_gives_the_defaults)
{
    cmdline_parse(" \t \n  ", &opts);
    check_defaults();
}

TEST(each_option_sets_its_field)
{
    const char *text = "init=/bin/sh console=ttyS0 sched=fifo loglevel=3";
    cmdline_parse(text, &opts);
    CHECK_STR(opts.init, "/bin/sh");
    CHECK_STR(opts.console, "ttyS0");
    CHECK_STR(opts.sched, "fifo");
    CHECK_EQ(opts.loglevel, 3);
    CHECK_EQ(opts.init_argc, 0);
    CHECK_EQ(opts.problem_count, 0);
    CHECK_STR(text, "init=/bin/sh console=ttyS0 sched=fifo loglevel=3"); /* not cut up */
}

TEST(loglevel_accepts_0_to_7)
{
    cmdline_parse("loglevel=0", &opts);
    CHECK_EQ(opts.loglevel, 0);
    CHECK_EQ(opts.problem_count, 0);
    cmdline_parse("loglevel=7", &opts);
    CHECK_EQ(opts.loglevel, 7);
    CHECK_EQ(opts.problem_count, 0);
}

TEST(maxcpus_limits_the_cpus_0_means_the_boot_cpu_and_words_are_checked)
{
    cmdline_parse("", &opts);
    CHECK_EQ(opts.maxcpus, 0); /* no limit */
    cmdline_parse("maxcpus=2", &opts);
    CHECK_EQ(opts.maxcpus, 2);
    CHECK_EQ(opts.problem_count, 0);
    cmdline_parse("maxcpus=0", &opts);
    CHECK_EQ(opts.maxcpus, 1);
    cmdline_parse("maxcpus=100000", &opts);
    CHECK_EQ(opts.maxcpus, MAX_CPUS);
    cmdline_parse("maxcpus=-1 maxcpus=two", &opts);
    CHECK_EQ(opts.maxcpus, 0);
    CHECK_EQ(opts.problem_count, 2);
}

TEST(lockcheck_selftest_names_a_test_and_an_empty_one_is_reported)
{
    cmdline_parse("", &opts);
    CHECK_STR(opts.lockcheck_selftest, ""); /* no self-test */
    cmdline_parse("lockcheck_selftest=order", &opts);
    CHECK_STR(opts.lockcheck_selftest, "order");
    CHECK_EQ(opts.problem_count, 0);
    cmdline_parse("lockcheck_selftest=", &opts);
    CHECK_STR(opts.lockcheck_selftest, "");
    CHECK_EQ(opts.problem_count, 1);
}

TEST(quiet_sets_loglevel_4_and_the_last_word_wins)
{
    cmdline_parse("quiet", &opts);
    CHECK_EQ(opts.loglevel, 4);
    CHECK_EQ(opts.problem_count, 0);
    cmdline_parse("quiet loglevel=7", &opts);
    CHECK_EQ(opts.loglevel, 7);
    cmdline_parse("loglevel=7 quiet", &opts);
    CHECK_EQ(opts.loglevel, 4);
}

TEST(words_after_double_dash_become_init_arguments)
{
    cmdline_parse("init=/bin/sh -- -c loglevel=1 -- quiet", &opts);
    CHECK_STR(opts.init, "/bin/sh");
    CHECK_EQ(opts.init_argc, 4);
    if (opts.init_argc == 4) {
        CHECK_STR(opts.init_argv[0], "-c");
        CHECK_STR(opts.init_argv[1], "loglevel=1");
        CHECK_STR(opts.init_argv[2], "--");
        CHECK_STR(opts.init_argv[3], "quiet");
    }
    CHECK_EQ(opts.loglevel, 6); /* options after "--" belong to init, not to the kernel */
    CHECK_EQ(opts.problem_count, 0);
}

TEST(double_dash_alone_gives_no_init_arguments)
{
    cmdline_parse("sched=fifo --", &opts);
    CHECK_STR(opts.sched, "fifo");
    CHECK_EQ(opts.init_argc, 0);
    CHECK_EQ(opts.problem_count, 0);
}

TEST(unknown_words_are_reported_and_ignored)
{
    cmdline_parse("foo quiet bar=1 init=/bin/sh", &opts);
    CHECK_EQ(opts.problem_count, 2);
    CHECK(problem_mentions("'foo'"));
    CHECK(problem_mentions("'bar=1'")); /* the whole word, '=' put back */
    CHECK_EQ(opts.loglevel, 4);
    CHECK_STR(opts.init, "/bin/sh");
}

TEST(bad_loglevel_is_reported_and_ignored)
{
    const char *bad[] = {"loglevel=8", "loglevel=-1", "loglevel=abc", "loglevel=", "loglevel=3x"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        cmdline_parse(bad[i], &opts);
        CHECK_EQ(opts.loglevel, 6);
        CHECK_EQ(opts.problem_count, 1);
        if (!problem_mentions(bad[i]))
            printf("  no problem names \"%s\" (got \"%s\")\n", bad[i], opts.problems[0]);
        CHECK(problem_mentions(bad[i]));
    }
}

TEST(init_without_a_leading_slash_is_reported)
{
    cmdline_parse("init=sbin/init", &opts);
    CHECK_STR(opts.init, "/sbin/init");
    CHECK_EQ(opts.problem_count, 1);
    CHECK(problem_mentions("init=sbin/init"));
    cmdline_parse("init=", &opts);
    CHECK_STR(opts.init, "/sbin/init");
    CHECK_EQ(opts.problem_count, 1);
}

TEST(empty_sched_is_reported)
{
    cmdline_parse("sched=", &opts);
    CHECK_STR(opts.sched, "rr");
    CHECK_EQ(opts.problem_count, 1);
    CHECK(problem_mentions("sched="));
}

TEST(too_many_init_arguments_are_reported)
{
    char text[256] = "--";
    for (int i = 0; i < CMDLINE_MAX_INIT_ARGS + 3; i++)
        snprintf(text + strlen(text), sizeof(text) - strlen(text), " a%d", i);
    cmdline_parse(text, &opts);
    CHECK_EQ(opts.init_argc, CMDLINE_MAX_INIT_ARGS);
    CHECK_STR(opts.init_argv[0], "a0");
    CHECK_STR(opts.init_argv[CMDLINE_MAX_INIT_ARGS - 1], "a15");
    CHECK_EQ(opts.problem_count, 3);
    CHECK(problem_mentions("'a16'"));
    CHECK(problem_mentions("'a18'"));
}

TEST(problems_beyond_the_maximum_are_dropped)
{
    cmdline_parse("w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 loglevel=2", &opts);
    CHECK_EQ(opts.problem_count, CMDLINE_MAX_PROBLEMS);
    CHECK(problem_mentions("'w0'"));
    CHECK(problem_mentions("'w7'"));
    CHECK(!problem_mentions("'w8'"));
    CHECK_EQ(opts.loglevel, 2); /* words after the last reported problem still count */
}

TEST(extra_spaces_tabs_and_newlines_separate_words)
{
    cmdline_parse("  init=/bin/sh\t\tquiet \n --\t a   b\n", &opts);
    CHECK_STR(opts.init, "/bin/sh");
    CHECK_EQ(opts.loglevel, 4);
    CHECK_EQ(opts.init_argc, 2);
    if (opts.init_argc == 2) {
        CHECK_STR(opts.init_argv[0], "a");
        CHECK_STR(opts.init_argv[1], "b");
    }
    CHECK_EQ(opts.problem_count, 0);
}

TEST(a_later_option_replaces_an_earlier_one)
{
    cmdline_parse("init=/bin/a sched=x init=/bin/b sched=fifo", &opts);
    CHECK_STR(opts.init, "/bin/b");
    CHECK_STR(opts.sched, "fifo");
    CHECK_EQ(opts.problem_count, 0);
}

TEST(log_buf_len_takes_a_size_with_k_m_g_suffixes)
{
    cmdline_parse("log_buf_len=4096", &opts);
    CHECK_EQ(opts.log_buf_len, 4096);
    cmdline_parse("log_buf_len=256k", &opts);
    CHECK_EQ(opts.log_buf_len, 256 * 1024);
    cmdline_parse("log_buf_len=1M", &opts);
    CHECK_EQ(opts.log_buf_len, 1 << 20);
    cmdline_parse("log_buf_len=2G", &opts);
    CHECK_EQ(opts.log_buf_len, 2UL << 30);
    CHECK_EQ(opts.problem_count, 0);
}

TEST(bad_log_buf_len_is_reported_and_ignored)
{
    const char *bad[] = {"log_buf_len=", "log_buf_len=K", "log_buf_len=12Q", "log_buf_len=1MB",
                         "log_buf_len=-1", "log_buf_len=99999999999999999999"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cmdline_parse(bad[i], &opts);
        CHECK_EQ(opts.log_buf_len, 0);
        CHECK_EQ(opts.problem_count, 1);
    }
}

int main(void)
{
    RUN(empty_command_line_gives_the_defaults);
    RUN(null_command_line_gives_the_defaults);
    RUN(blank_command_line_gives_the_defaults);
    RUN(each_option_sets_its_field);
    RUN(loglevel_accepts_0_to_7);
    RUN(quiet_sets_loglevel_4_and_the_last_word_wins);
    RUN(words_after_double_dash_become_init_arguments);
    RUN(double_dash_alone_gives_no_init_arguments);
    RUN(unknown_words_are_reported_and_ignored);
    RUN(bad_loglevel_is_reported_and_ignored);
    RUN(init_without_a_leading_slash_is_reported);
    RUN(empty_sched_is_reported);
    RUN(too_many_init_arguments_are_reported);
    RUN(problems_beyond_the_maximum_are_dropped);
    RUN(extra_spaces_tabs_and_newlines_separate_words);
    RUN(a_later_option_replaces_an_earlier_one);
    RUN(log_buf_len_takes_a_size_with_k_m_g_suffixes);
    RUN(bad_log_buf_len_is_reported_and_ignored);
    RUN(maxcpus_limits_the_cpus_0_means_the_boot_cpu_and_words_are_checked);
    RUN(lockcheck_selftest_names_a_test_and_an_empty_one_is_reported);
    UNIT_EXIT();
}
