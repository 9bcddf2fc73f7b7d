/* cmdline.c - split the kernel command line into options (see cmdline.h).
 * A pure function of the text: tests/unit/test_cmdline.c checks it on the host.
 */
#include "cmdline.h"
#include "printk.h"
#include "smp.h"
#include "string.h"

static void add_problem(struct kernel_options *opts, const char *fmt, const char *word)
{
    if (opts->problem_count < CMDLINE_MAX_PROBLEMS)
        snprintf(opts->problems[opts->problem_count++], sizeof(opts->problems[0]), fmt, word);
}

/* A size as Linux's memparse reads it: digits, then optionally K, M or G (either case).
 * 0 on success, -1 if text is not such a size. */
static int parse_size(const char *text, uint64_t *out)
{
    uint64_t value = 0;
    const char *p = text;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (value > (UINT64_MAX - 9) / 10)
            return -1;
        value = value * 10 + (uint64_t)(*p - '0');
    }
    if (p == text)
        return -1;
    int shift = 0;
    if (*p == 'k' || *p == 'K')
        shift = 10;
    else if (*p == 'm' || *p == 'M')
        shift = 20;
    else if (*p == 'g' || *p == 'G')
        shift = 30;
    if (shift)
        p++;
    if (*p || value > (UINT64_MAX >> shift))
        return -1;
    *out = value << shift;
    return 0;
}

/* Apply one key=value word. */
static void apply_word(struct kernel_options *opts, char *word)
{
    char *eq = strchr(word, '=');
    if (strcmp(word, "quiet") == 0) {
        opts->loglevel = 4;
        return;
    }
    if (!eq) {
        add_problem(opts, "unknown word '%s' ignored", word);
        return;
    }
    *eq = 0;
    const char *value = eq + 1;
    long n;
    if (strcmp(word, "init") == 0 && value[0] == '/') {
        strlcpy(opts->init, value, sizeof(opts->init));
    } else if (strcmp(word, "console") == 0) {
        strlcpy(opts->console, value, sizeof(opts->console));
    } else if (strcmp(word, "sched") == 0 && value[0]) {
        strlcpy(opts->sched, value, sizeof(opts->sched));
    } else if (strcmp(word, "loglevel") == 0 && parse_long(value, &n) == 0 && n >= 0 && n <= 7) {
        opts->loglevel = (int)n;
    } else if (strcmp(word, "log_buf_len") == 0 && parse_size(value, &opts->log_buf_len) == 0) {
        /* the log (kernel/lib/log.c) rounds and limits it */
    } else if (strcmp(word, "maxcpus") == 0 && parse_long(value, &n) == 0 && n >= 0) {
        opts->maxcpus = n == 0 ? 1 : (int)MIN(n, (long)MAX_CPUS); /* 0, as Linux: boot CPU */
    } else if (strcmp(word, "lockcheck_selftest") == 0 && value[0]) {
        strlcpy(opts->lockcheck_selftest, value, sizeof(opts->lockcheck_selftest));
    } else {
        *eq = '=';
        add_problem(opts, "bad or unknown option '%s' ignored", word);
    }
}

/* Cut the next word out of *cursor, in place. Double quotes group words with spaces and
 * are removed; a backslash keeps the next character as it is (GRUB writes arguments that
 * contain spaces this way). Returns NULL at the end of the text. */
static char *next_word(char **cursor)
{
    char *p = *cursor;
    while (*p == ' ' || *p == '\t' || *p == '\n')
        p++;
    if (!*p)
        return NULL;
    char *word = p, *out = p;
    bool quoted = false;
    for (; *p && (quoted || (*p != ' ' && *p != '\t' && *p != '\n')); p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (*p == '\\' && p[1])
            *out++ = *++p;
        else
            *out++ = *p;
    }
    if (*p)
        p++;
    *out = 0;
    *cursor = p;
    return word;
}

void cmdline_parse(const char *text, struct kernel_options *opts)
{
    memset(opts, 0, sizeof(*opts));
    strlcpy(opts->init, "/sbin/init", sizeof(opts->init));
    strlcpy(opts->sched, "rr", sizeof(opts->sched));
    opts->loglevel = LOGLEVEL_DEFAULT;
    strlcpy(opts->buffer, text ? text : "", sizeof(opts->buffer));

    bool init_args = false;
    char *cursor = opts->buffer, *word;
    while ((word = next_word(&cursor)) != NULL) {
        if (init_args) {
            if (opts->init_argc < CMDLINE_MAX_INIT_ARGS)
                opts->init_argv[opts->init_argc++] = word;
            else
                add_problem(opts, "too many init arguments; '%s' dropped", word);
        } else if (strcmp(word, "--") == 0) {
            init_args = true;
        } else {
            apply_word(opts, word);
        }
    }
}
