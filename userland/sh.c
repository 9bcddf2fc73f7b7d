/*
 * sh.c - the shell of nest: a small POSIX-flavoured shell for the console and for scripts.
 * Each line goes lexer -> parser (and-or lists of pipelines) -> expansion -> fork/execve.
 * Every pipeline is a job in its own process group, so ^C and ^Z reach the job, not the shell.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

/* Limits. Each is checked where it applies and reported as an error, never overflowed. */
#define MAX_LINE 8192       /* bytes in one input line or -c string */
#define MAX_TOKENS 1024     /* tokens in one line */
#define MAX_COMMANDS 256    /* simple commands in one line */
#define MAX_PIPELINES 128   /* pipelines in one line */
#define MAX_LISTS 128       /* and-or lists in one line */
#define MAX_PIPE 16         /* commands in one pipeline */
#define MAX_ARGS 256        /* arguments of one command */
#define MAX_ASSIGNS 32      /* NAME=value words in front of one command */
#define MAX_REDIRS 16       /* redirections of one command */
#define EXPAND_SIZE 16384   /* bytes of one command's words after expansion */
#define MAX_VARS 256        /* shell variables */
#define MAX_JOBS 64         /* jobs in the job table */
#define JOB_TEXT 128        /* bytes of command text kept for each job */
#define MAX_HISTORY 100     /* lines kept in the history */
#define MAX_SOURCE_DEPTH 16 /* nested '.' files */
#define PATH_SIZE 4096      /* a file name made by PATH search, or the working directory */
#define DEFAULT_PATH "/bin:/sbin:/usr/bin"

static int interactive;            /* commands come from a person: prompts, job notices */
static int job_control;            /* jobs get their own process groups and the terminal */
static int signals_ignored;        /* this shell ignores ^C and friends; children restore them */
static pid_t shell_pid;            /* $$ */
static pid_t shell_pgid;           /* the shell's process group, which gets the terminal back */
static struct termios shell_modes; /* terminal modes to restore after a job */
static int last_status;            /* $? */
static pid_t last_background;      /* $!, 0 before the first background job */
static int interrupted;            /* a foreground job died of ^C: drop the rest of the line */
static char *script_name;          /* $0 */
static char **positional;          /* $1, $2, ... */
static int npositional;            /* $# */
static int source_depth;           /* '.' files being read */
static int lines_read;             /* lines the user has entered (interactive) */

struct builtin {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;       /* for help */
    const char *description; /* for help */
};

static const struct builtin *find_builtin(const char *name);
static int builtin_exec(int argc, char **argv);
static int run_file(int fd);
static void exit_shell(int status);

/* ---------------------------------------------------------------------------------------------
 * Output, numbers and signals
 */

/* Write all of buf to fd, retrying short writes; returns 0, or -1 on error. */
static int write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        buf += n;
        len -= n;
    }
    return 0;
}

/* Write a string to fd. */
static void put(int fd, const char *s)
{
    write_all(fd, s, strlen(s));
}

/* printf to fd in a single write (output longer than 1 KiB is cut). */
__attribute__((format(printf, 2, 3))) static void print(int fd, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof buf - 1)
        n = sizeof buf - 1;
    if (n > 0)
        write_all(fd, buf, n);
}

/* Write s and a newline to stdout, however long s is. */
static void print_line(const char *s)
{
    put(1, s);
    put(1, "\n");
}

/* Report an error on stderr as "sh: message". */
__attribute__((format(printf, 1, 2))) static void errorf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    print(2, "sh: %s\n", buf);
}

struct outbuf { /* collects a built-in's output so it leaves in few writes */
    int fd;
    int len;
    char data[1024];
};

/* Write out what o has collected. */
static void out_flush(struct outbuf *o)
{
    write_all(o->fd, o->data, o->len);
    o->len = 0;
}

/* Add one byte to o, flushing when it is full. */
static void out_char(struct outbuf *o, char c)
{
    if (o->len == (int)sizeof o->data)
        out_flush(o);
    o->data[o->len++] = c;
}

/* Add a string to o. */
static void out_add(struct outbuf *o, const char *s)
{
    for (; *s; s++)
        out_char(o, *s);
}

/* Parse a decimal integer (maybe negative) that fits an int; returns 0, or -1 if s is not one. */
static int parse_int(const char *s, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < INT_MIN || v > INT_MAX)
        return -1;
    *out = v;
    return 0;
}

static const struct signal_name {
    int number;
    const char *name;        /* without "SIG" */
    const char *description; /* as bash prints it when the signal kills or stops a job */
} signal_names[] = {
    {SIGHUP, "HUP", "Hangup"}, {SIGINT, "INT", "Interrupt"}, {SIGQUIT, "QUIT", "Quit"},
    {SIGILL, "ILL", "Illegal instruction"}, {SIGTRAP, "TRAP", "Trace/breakpoint trap"},
    {SIGABRT, "ABRT", "Aborted"}, {SIGBUS, "BUS", "Bus error"},
    {SIGFPE, "FPE", "Floating point exception"}, {SIGKILL, "KILL", "Killed"},
    {SIGUSR1, "USR1", "User defined signal 1"}, {SIGSEGV, "SEGV", "Segmentation fault"},
    {SIGUSR2, "USR2", "User defined signal 2"}, {SIGPIPE, "PIPE", "Broken pipe"},
    {SIGALRM, "ALRM", "Alarm clock"}, {SIGTERM, "TERM", "Terminated"},
    {SIGSTKFLT, "STKFLT", "Stack fault"}, {SIGCHLD, "CHLD", "Child exited"},
    {SIGCONT, "CONT", "Continued"}, {SIGSTOP, "STOP", "Stopped (signal)"},
    {SIGTSTP, "TSTP", "Stopped"}, {SIGTTIN, "TTIN", "Stopped (tty input)"},
    {SIGTTOU, "TTOU", "Stopped (tty output)"}, {SIGURG, "URG", "Urgent I/O condition"},
    {SIGXCPU, "XCPU", "CPU time limit exceeded"}, {SIGXFSZ, "XFSZ", "File size limit exceeded"},
    {SIGVTALRM, "VTALRM", "Virtual timer expired"}, {SIGPROF, "PROF", "Profiling timer expired"},
    {SIGWINCH, "WINCH", "Window changed"}, {SIGIO, "IO", "I/O possible"},
    {SIGPWR, "PWR", "Power failure"}, {SIGSYS, "SYS", "Bad system call"},
};
#define NSIGNAL_NAMES (int)(sizeof signal_names / sizeof signal_names[0])

/* The table entry for signal number sig, or NULL. */
static const struct signal_name *signal_by_number(int sig)
{
    for (int i = 0; i < NSIGNAL_NAMES; i++)
        if (signal_names[i].number == sig)
            return &signal_names[i];
    return NULL;
}

/* The description bash gives signal sig ("Terminated", "Killed", ...). */
static const char *signal_text(int sig)
{
    static char unknown[32];
    const struct signal_name *s = signal_by_number(sig);
    if (s)
        return s->description;
    snprintf(unknown, sizeof unknown, "Signal %d", sig);
    return unknown;
}

/* The number of a signal given as "TERM", "SIGTERM", "term" or "15"; -1 if there is none. */
static int signal_number(const char *spec)
{
    int n;
    if (parse_int(spec, &n) == 0)
        return n >= 0 && n < NSIG ? n : -1;
    if (strncasecmp(spec, "SIG", 3) == 0)
        spec += 3;
    for (int i = 0; i < NSIGNAL_NAMES; i++)
        if (strcasecmp(spec, signal_names[i].name) == 0)
            return signal_names[i].number;
    return -1;
}

/* Set the action for signal sig, without SA_RESTART so a handler interrupts waitpid. */
static void set_signal(int sig, void (*handler)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static const int job_signals[] = {SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU};

/* Set the action of the signals an interactive shell ignores (^C, ^\, ^Z, background tty use). */
static void set_job_signals(void (*handler)(int))
{
    for (size_t i = 0; i < sizeof job_signals / sizeof job_signals[0]; i++)
        set_signal(job_signals[i], handler);
}

/* Does nothing, but being a handler it makes ^C interrupt the 'wait' built-in. */
static void note_interrupt(int sig)
{
    (void)sig;
}

/* Is fd a terminal? (tcgetattr, not isatty: musl's isatty needs TIOCGWINSZ.) */
static int is_terminal(int fd)
{
    struct termios t;
    return tcgetattr(fd, &t) == 0;
}

/* ---------------------------------------------------------------------------------------------
 * Variables. One table holds them all; exported ones form the environment of commands.
 */

struct var {
    char *entry;  /* "NAME=value", or "NAME" when exported but unset; from malloc */
    int exported; /* passed to the environment of commands */
};

static struct var vars[MAX_VARS];
static int nvars;

/* Can c appear in a variable name (first: at its start)? */
static int is_name_char(int c, int first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           (!first && c >= '0' && c <= '9');
}

/* Length of the variable name at the start of s; 0 if s does not start with one. */
static int name_length(const char *s)
{
    int n = 0;
    while (is_name_char(s[n], n == 0))
        n++;
    return n;
}

/* The variable whose name is name[0..len), or NULL. */
static struct var *find_var(const char *name, int len)
{
    for (int i = 0; i < nvars; i++) {
        const char *e = vars[i].entry;
        if (strncmp(e, name, len) == 0 && (e[len] == '=' || e[len] == 0))
            return &vars[i];
    }
    return NULL;
}

/* The value of variable name, or NULL when it is unset. */
static const char *get_var(const char *name)
{
    int len = strlen(name);
    struct var *v = find_var(name, len);
    return v && v->entry[len] == '=' ? v->entry + len + 1 : NULL;
}

/* Put entry ("NAME=value" or "NAME", from malloc, owned by the table from now on) into the
 * table, replacing the old value; export is or-ed into the exported flag. Returns 0 or -1. */
static int store_var(char *entry, int export)
{
    struct var *v = find_var(entry, name_length(entry));
    if (!v) {
        if (nvars == MAX_VARS) {
            errorf("too many variables (max %d)", MAX_VARS);
            free(entry);
            return -1;
        }
        v = &vars[nvars++];
        v->entry = NULL;
        v->exported = 0;
    }
    free(v->entry);
    v->entry = entry;
    v->exported |= export;
    return 0;
}

/* Store a copy of the assignment "NAME=value". */
static int assign(const char *assignment, int export)
{
    char *entry = strdup(assignment);
    if (!entry) {
        errorf("out of memory");
        return -1;
    }
    return store_var(entry, export);
}

/* Set variable name to value. */
static void set_var(const char *name, const char *value)
{
    char *entry = malloc(strlen(name) + strlen(value) + 2);
    if (!entry) {
        errorf("out of memory");
        return;
    }
    sprintf(entry, "%s=%s", name, value);
    store_var(entry, 0);
}

/* Take the variable name[0..len) out of the table and return it (entry NULL if it was unset). */
static struct var take_var(const char *name, int len)
{
    struct var old = {NULL, 0};
    struct var *v = find_var(name, len);
    if (v) {
        old = *v;
        *v = vars[--nvars];
    }
    return old;
}

/* Remove the variable name[0..len). */
static void unset_var(const char *name, int len)
{
    free(take_var(name, len).entry);
}

/* The environment for a new program: every exported variable that has a value. */
static char **build_env(void)
{
    static char *env[MAX_VARS + 1];
    int n = 0;
    for (int i = 0; i < nvars; i++)
        if (vars[i].exported && strchr(vars[i].entry, '='))
            env[n++] = vars[i].entry;
    env[n] = NULL;
    return env;
}

/* ---------------------------------------------------------------------------------------------
 * Lexer: split a line into words (quotes kept, expanded later) and operators.
 */

enum token_type {
    TOK_WORD,    /* a word as typed, quotes and $ still in it */
    TOK_REDIR,   /* <  >  >>  <&  >&  >|, maybe with a descriptor number in front */
    TOK_PIPE,    /* | */
    TOK_AND,     /* && */
    TOK_OR,      /* || */
    TOK_AMP,     /* & */
    TOK_SEMI,    /* ; */
    TOK_NEWLINE, /* a newline inside a -c string */
    TOK_BAD,     /* ( or ), which this shell does not support */
    TOK_END      /* end of the input */
};

enum redir_kind { REDIR_IN, REDIR_OUT, REDIR_APPEND, REDIR_DUP };

struct token {
    int type;       /* enum token_type */
    int redir;      /* TOK_REDIR: enum redir_kind */
    int fd;         /* TOK_REDIR: the descriptor it changes */
    int start, end; /* where the token lies in the source text */
    char *text;     /* TOK_WORD: the word, NUL-terminated */
};

struct command { /* one simple command: words and redirections */
    int first;   /* index of its first token */
    int count;   /* its tokens; a redirection takes two (operator and target word) */
};

struct pipeline {   /* commands joined by | */
    int first;      /* index of its first command */
    int count;      /* number of commands */
    int connector;  /* TOK_AND or TOK_OR joining it to the pipeline before; 0 for the first */
    int negate;     /* it began with '!': invert its status */
    int start, end; /* source text, shown in the job table */
};

struct andor {      /* pipelines joined by && and || */
    int first;      /* index of its first pipeline */
    int count;      /* number of pipelines */
    int background; /* it ended with & */
    int start, end; /* source text */
};

struct program { /* one parsed line */
    char source[MAX_LINE];
    char words[MAX_LINE + MAX_TOKENS]; /* NUL-terminated copies of the words: always fits */
    int words_used;
    struct token tokens[MAX_TOKENS];
    int ntokens;
    struct command commands[MAX_COMMANDS];
    int ncommands;
    struct pipeline pipelines[MAX_PIPELINES];
    int npipelines;
    struct andor lists[MAX_LISTS];
    int nlists;
};

/* Is c a blank that separates words? */
static int is_blank(int c)
{
    return c == ' ' || c == '\t';
}

/* Does c start an operator (and so end a word)? */
static int is_operator(int c)
{
    return c && strchr("|&;<>()", c);
}

/* Append a token covering source[start..end); NULL (reported) if the line has too many. */
static struct token *add_token(struct program *p, int type, int start, int end)
{
    if (p->ntokens >= MAX_TOKENS - 1 && type != TOK_END) {
        errorf("too many words in one line (max %d)", MAX_TOKENS - 1);
        return NULL;
    }
    struct token *t = &p->tokens[p->ntokens++];
    t->type = type;
    t->redir = 0;
    t->fd = -1;
    t->start = start;
    t->end = end;
    t->text = NULL;
    return t;
}

/* Report an unclosed quote; returns -1. */
static int unterminated(void)
{
    errorf("syntax error: unterminated quote");
    return -1;
}

/* Does s[i] start a command substitution (`...` or $(...), or $((...)) arithmetic)? This
 * shell has none: it says so rather than pass the text on as it is. */
static int is_substitution(const char *s, int i)
{
    return s[i] == '`' || (s[i] == '$' && s[i + 1] == '(');
}

static int unsupported_substitution(void)
{
    errorf("unsupported: command substitution (`...`, $(...)) and arithmetic ($((...)))");
    return -1;
}

/* Find where the word starting at s[i] ends, stepping over quotes; -1 if a quote is open or
 * the word holds a command substitution. */
static int scan_word(const char *s, int i)
{
    while (s[i] && !is_blank(s[i]) && s[i] != '\n' && !is_operator(s[i])) {
        if (is_substitution(s, i))
            return unsupported_substitution();
        char c = s[i++];
        if (c == '\\' && s[i]) {
            i++;
        } else if (c == '\'') {
            while (s[i] && s[i] != '\'')
                i++;
            if (!s[i++])
                return unterminated();
        } else if (c == '"') {
            while (s[i] && s[i] != '"') {
                if (is_substitution(s, i))
                    return unsupported_substitution();
                i += s[i] == '\\' && s[i + 1] ? 2 : 1;
            }
            if (!s[i++])
                return unterminated();
        } else if (c == '$' && s[i] == '{') {
            while (s[i] && s[i] != '}')
                i++;
            if (!s[i++]) {
                errorf("syntax error: missing '}'");
                return -1;
            }
        }
    }
    return i;
}

/* If s[i] starts a descriptor number written just before < or > (as in 2>), return it and set
 * *after to the operator's index; else return -1. */
static int io_number(const char *s, int i, int *after)
{
    int fd = 0, j = i;
    while (s[j] >= '0' && s[j] <= '9' && j - i < 4)
        fd = fd * 10 + (s[j++] - '0');
    if (j == i || (s[j] != '<' && s[j] != '>'))
        return -1;
    *after = j;
    return fd;
}

/* Read the operator at s[i] (fd: its descriptor number or -1; the token starts at start);
 * returns the index after it, or -1. */
static int lex_operator(struct program *p, const char *s, int start, int i, int fd)
{
    int type = TOK_BAD, redir = 0;
    char c = s[i++];
    if (c == '|' || c == '&') {
        type = c == '|' ? TOK_PIPE : TOK_AMP;
        if (s[i] == c) {
            type = c == '|' ? TOK_OR : TOK_AND;
            i++;
        }
    } else if (c == ';') {
        type = TOK_SEMI;
    } else if (c == '<' || c == '>') {
        type = TOK_REDIR;
        redir = c == '<' ? REDIR_IN : REDIR_OUT;
        if (fd < 0)
            fd = c == '<' ? 0 : 1;
        if (s[i] == '&')
            redir = REDIR_DUP;
        else if (c == '>' && s[i] == '>')
            redir = REDIR_APPEND;
        if (s[i] == '&' || (c == '>' && (s[i] == '>' || s[i] == '|')))
            i++;
    }
    struct token *t = add_token(p, type, start, i);
    if (!t)
        return -1;
    t->redir = redir;
    t->fd = fd;
    return i;
}

/* Add the word source[start..end) as a token; returns 0 or -1. */
static int lex_word(struct program *p, int start, int end)
{
    struct token *t = add_token(p, TOK_WORD, start, end);
    if (!t)
        return -1;
    t->text = p->words + p->words_used;
    memcpy(t->text, p->source + start, end - start);
    t->text[end - start] = 0;
    p->words_used += end - start + 1;
    return 0;
}

/* Split p->source into tokens, ending with TOK_END; returns 0, or -1 after reporting. */
static int lex(struct program *p)
{
    const char *s = p->source;
    int i = 0;
    for (;;) {
        while (is_blank(s[i]) || (s[i] == '\\' && s[i + 1] == '\n'))
            i += is_blank(s[i]) ? 1 : 2;
        if (s[i] == '#')
            while (s[i] && s[i] != '\n')
                i++;
        if (!s[i])
            return add_token(p, TOK_END, i, i) ? 0 : -1;
        int after, fd = io_number(s, i, &after);
        if (s[i] == '\n') {
            if (!add_token(p, TOK_NEWLINE, i, i + 1))
                return -1;
            i++;
        } else if (fd >= 0 || is_operator(s[i])) {
            i = lex_operator(p, s, i, fd >= 0 ? after : i, fd);
        } else {
            int end = scan_word(s, i);
            if (end >= 0 && lex_word(p, i, end) < 0)
                return -1;
            i = end;
        }
        if (i < 0)
            return -1;
    }
}

/* ---------------------------------------------------------------------------------------------
 * Parser. Grammar (one line):
 *   line     := { andor ( ';' | '&' | newline ) }
 *   andor    := pipeline { ( '&&' | '||' ) pipeline }
 *   pipeline := [ '!' ] command { '|' command }
 *   command  := { WORD | REDIR WORD }+
 */

struct parser {
    struct program *p;
    int pos; /* index of the next token */
};

/* Type of the next token. */
static int next_type(struct parser *ps)
{
    return ps->p->tokens[ps->pos].type;
}

/* Step over newlines (allowed after |, && and || inside a -c string). */
static void skip_newlines(struct parser *ps)
{
    while (next_type(ps) == TOK_NEWLINE)
        ps->pos++;
}

/* Report a syntax error at the next token, or at the operator left dangling before the end of
 * the line; returns -1. */
static int syntax_error(struct parser *ps)
{
    struct program *p = ps->p;
    struct token *t = &p->tokens[ps->pos];
    while (t > p->tokens && (t->type == TOK_END || t->type == TOK_NEWLINE))
        t--;
    if (t->type == TOK_END || t->type == TOK_NEWLINE)
        errorf("syntax error near end of line");
    else
        errorf("syntax error near '%.*s'", t->end - t->start, p->source + t->start);
    return -1;
}

/* Words that start compound commands in a POSIX shell. This one has none of them; met at
 * the start of a command, they are reported instead of being run as program names. */
static const char *const unsupported_keywords[] = {
    "if", "then", "elif", "else", "fi", "for", "while", "until", "do", "done",
    "case", "esac", "{", "}", "[[", "function", "select",
};

static int is_unsupported_keyword(const char *word)
{
    for (size_t i = 0; i < sizeof(unsupported_keywords) / sizeof(unsupported_keywords[0]); i++)
        if (!strcmp(word, unsupported_keywords[i]))
            return 1;
    return 0;
}

/* command := { WORD | REDIR WORD }+ */
static int parse_command(struct parser *ps)
{
    struct program *p = ps->p;
    int first = ps->pos;
    if (next_type(ps) == TOK_WORD && is_unsupported_keyword(p->tokens[first].text)) {
        errorf("unsupported: '%s': this shell has no if, for, while, until, case or { }",
               p->tokens[first].text);
        return -1;
    }
    if (next_type(ps) == TOK_BAD) {
        errorf("unsupported: '%.*s': this shell has no ( ) subshells",
               p->tokens[first].end - p->tokens[first].start, p->source + p->tokens[first].start);
        return -1;
    }
    for (;;) {
        int type = next_type(ps);
        if (type == TOK_REDIR) {
            ps->pos++;
            if (next_type(ps) != TOK_WORD)
                return syntax_error(ps);
        } else if (type != TOK_WORD) {
            break;
        }
        ps->pos++;
    }
    if (ps->pos == first)
        return syntax_error(ps);
    if (p->ncommands == MAX_COMMANDS) {
        errorf("too many commands in one line (max %d)", MAX_COMMANDS);
        return -1;
    }
    struct command *c = &p->commands[p->ncommands++];
    c->first = first;
    c->count = ps->pos - first;
    return 0;
}

/* pipeline := ['!'] command { '|' command }; connector: how it joins the pipeline before it. */
static int parse_pipeline(struct parser *ps, int connector)
{
    struct program *p = ps->p;
    if (p->npipelines == MAX_PIPELINES) {
        errorf("too many pipelines in one line (max %d)", MAX_PIPELINES);
        return -1;
    }
    struct pipeline *pl = &p->pipelines[p->npipelines++];
    pl->first = p->ncommands;
    pl->connector = connector;
    pl->negate = next_type(ps) == TOK_WORD && !strcmp(p->tokens[ps->pos].text, "!");
    ps->pos += pl->negate;
    pl->start = p->tokens[ps->pos].start;
    if (parse_command(ps) < 0)
        return -1;
    while (next_type(ps) == TOK_PIPE) {
        ps->pos++;
        skip_newlines(ps);
        if (parse_command(ps) < 0)
            return -1;
    }
    pl->count = p->ncommands - pl->first;
    pl->end = p->tokens[ps->pos - 1].end;
    if (pl->count > MAX_PIPE) {
        errorf("too many commands in one pipeline (max %d)", MAX_PIPE);
        return -1;
    }
    return 0;
}

/* andor := pipeline { ('&&' | '||') pipeline } */
static int parse_andor(struct parser *ps)
{
    struct program *p = ps->p;
    if (p->nlists == MAX_LISTS) {
        errorf("too many commands in one line (max %d)", MAX_LISTS);
        return -1;
    }
    struct andor *l = &p->lists[p->nlists++];
    l->first = p->npipelines;
    l->background = 0;
    if (parse_pipeline(ps, 0) < 0)
        return -1;
    while (next_type(ps) == TOK_AND || next_type(ps) == TOK_OR) {
        int connector = next_type(ps);
        ps->pos++;
        skip_newlines(ps);
        if (parse_pipeline(ps, connector) < 0)
            return -1;
    }
    l->count = p->npipelines - l->first;
    l->start = p->pipelines[l->first].start;
    l->end = p->pipelines[p->npipelines - 1].end;
    return 0;
}

/* line := { andor (';' | '&' | newline) }; returns 0, or -1 after a syntax error. */
static int parse(struct program *p)
{
    struct parser ps = {p, 0};
    for (;;) {
        skip_newlines(&ps);
        if (next_type(&ps) == TOK_END)
            return 0;
        if (parse_andor(&ps) < 0)
            return -1;
        int type = next_type(&ps);
        if (type == TOK_AMP || type == TOK_SEMI) {
            p->lists[p->nlists - 1].background = type == TOK_AMP;
            ps.pos++;
        } else if (type != TOK_NEWLINE && type != TOK_END) {
            return syntax_error(&ps);
        }
    }
}

/* ---------------------------------------------------------------------------------------------
 * Expansion: quotes, backslashes, $parameters and ~, done when a command is about to run.
 */

struct redirect {  /* one redirection after expansion */
    int kind;      /* enum redir_kind */
    int fd;        /* the descriptor it changes */
    char *target;  /* file name; for REDIR_DUP a descriptor number or "-" */
};

struct expansion {        /* one simple command after expansion, ready to run */
    char buf[EXPAND_SIZE]; /* all its strings, each NUL-terminated */
    int used;              /* bytes of buf in use */
    int field_start;       /* where the field being built starts in buf */
    int field_quoted;      /* the field had quotes, so it is kept even if empty */
    int field_vanishes;    /* it had "$@" with no parameters, so an empty field is dropped */
    int failed;            /* an error was reported: the command must not run */
    char *argv[MAX_ARGS + 1];
    int argc;
    char *assigns[MAX_ASSIGNS]; /* "NAME=value" words in front of the command */
    int nassigns;
    struct redirect redirs[MAX_REDIRS];
    int nredirs;
};

/* Report an expansion error once; the command will not run. */
static void expansion_error(struct expansion *x, const char *message)
{
    if (!x->failed)
        errorf("%s", message);
    x->failed = 1;
}

/* Make room for one more byte in x->buf; on overflow the command fails and buf is reused. */
static void make_room(struct expansion *x)
{
    if (x->used + 1 < EXPAND_SIZE)
        return;
    expansion_error(x, "command too long after expansion");
    x->used = x->field_start = 0;
}

/* Append one byte to the field being built. */
static void add_char(struct expansion *x, char c)
{
    make_room(x);
    x->buf[x->used++] = c;
}

/* Finish the field being built and return it; in split mode it becomes the next argument. */
static char *end_field(struct expansion *x, int split)
{
    make_room(x);
    char *field = x->buf + x->field_start;
    x->buf[x->used++] = 0;
    x->field_start = x->used;
    x->field_quoted = 0;
    if (split && x->argc == MAX_ARGS)
        expansion_error(x, "too many arguments");
    else if (split)
        x->argv[x->argc++] = field;
    return field;
}

/* Add expanded text; in split mode (unquoted) blanks and newlines separate fields. */
static void add_text(struct expansion *x, const char *s, int split)
{
    for (; *s; s++) {
        if (split && (is_blank(*s) || *s == '\n')) {
            if (x->used > x->field_start || x->field_quoted)
                end_field(x, 1);
        } else {
            add_char(x, *s);
        }
    }
}

/* Expand $@ or $* (which). Only "$@" in split mode keeps every parameter a field of its own. */
static void add_all_params(struct expansion *x, char which, int quoted, int split)
{
    int apart = which == '@' && quoted && split;
    if (apart && npositional == 0)
        x->field_vanishes = 1;
    for (int i = 0; i < npositional; i++) {
        if (i > 0 && apart) {
            end_field(x, 1);
            x->field_quoted = 1;
        } else if (i > 0) {
            add_text(x, " ", split && !quoted);
        }
        add_text(x, positional[i], split && !quoted);
    }
}

/* Is s[0..len) a parameter name: a variable, a number or one of ? $ ! # @ * ? */
static int valid_param(const char *s, int len)
{
    int digits = 0;
    while (digits < len && s[digits] >= '0' && s[digits] <= '9')
        digits++;
    return digits == len || name_length(s) == len || (len == 1 && strchr("?$!#@*", s[0]));
}

/* The value of parameter name ("?", "1", "HOME", ...), or NULL if unset; numbers go in buf. */
static const char *param_value(const char *name, char *buf, size_t size)
{
    int n;
    if (!strcmp(name, "?"))
        n = last_status;
    else if (!strcmp(name, "$"))
        n = shell_pid;
    else if (!strcmp(name, "#"))
        n = npositional;
    else if (!strcmp(name, "!") && last_background)
        n = last_background;
    else if (!strcmp(name, "!"))
        return NULL;
    else if (parse_int(name, &n) == 0)
        return n == 0 ? script_name : n <= npositional ? positional[n - 1] : NULL;
    else
        return get_var(name);
    snprintf(buf, size, "%d", n);
    return buf;
}

/* Expand the parameter after a '$' (raw[i] is the byte after it); returns the index after it. */
static int expand_dollar(struct expansion *x, const char *raw, int i, int quoted, int split)
{
    char name[64], number[24];
    int len;
    if (raw[i] == '{') {
        const char *close = strchr(raw + i, '}');
        len = close ? close - raw - i - 1 : 0;
        if (!close || len == 0 || len >= (int)sizeof name || !valid_param(raw + i + 1, len)) {
            expansion_error(x, "bad substitution");
            return close ? close - raw + 1 : (int)strlen(raw);
        }
        memcpy(name, raw + i + 1, len);
        i += len + 2;
    } else if (raw[i] && strchr("?$!#@*0123456789", raw[i])) {
        name[0] = raw[i++];
        len = 1;
    } else if ((len = name_length(raw + i)) > 0) {
        if (len >= (int)sizeof name) {
            expansion_error(x, "variable name too long");
            return i + len;
        }
        memcpy(name, raw + i, len);
        i += len;
    } else {
        add_char(x, '$');
        return i;
    }
    name[len] = 0;
    if (!strcmp(name, "@") || !strcmp(name, "*")) {
        add_all_params(x, name[0], quoted, split);
    } else {
        const char *value = param_value(name, number, sizeof number);
        if (value)
            add_text(x, value, split && !quoted);
    }
    return i;
}

/* Expand a backslash at raw[i]; returns the index after what it quotes. */
static int expand_backslash(struct expansion *x, const char *raw, int i, int quoted)
{
    char next = raw[i + 1];
    if (next == '\n')
        return i + 2;
    if (next == 0 || (quoted && !strchr("$`\"\\", next))) {
        add_char(x, '\\');
        return i + 1;
    }
    add_char(x, next);
    return i + 2;
}

/* Copy the inside of a single-quoted string starting at raw[i]; returns the index after it. */
static int add_single_quoted(struct expansion *x, const char *raw, int i)
{
    while (raw[i] && raw[i] != '\'')
        add_char(x, raw[i++]);
    return raw[i] ? i + 1 : i;
}

/* Expand one word as typed. In split mode its fields become arguments (maybe none); otherwise
 * the result is exactly one string, which is returned. */
static char *expand_word(struct expansion *x, const char *raw, int split)
{
    const char *home = get_var("HOME");
    int i = 0, quoted = 0;
    x->field_start = x->used;
    x->field_quoted = x->field_vanishes = 0;
    if (raw[0] == '~' && (raw[1] == '/' || raw[1] == 0) && home) {
        add_text(x, home, 0);
        i = 1;
    }
    while (raw[i]) {
        char c = raw[i];
        if (c == '"') {
            quoted = !quoted;
            x->field_quoted = 1;
            i++;
        } else if (c == '\'' && !quoted) {
            x->field_quoted = 1;
            i = add_single_quoted(x, raw, i + 1);
        } else if (c == '\\') {
            i = expand_backslash(x, raw, i, quoted);
        } else if (c == '$') {
            i = expand_dollar(x, raw, i + 1, quoted, split);
        } else {
            add_char(x, c);
            i++;
        }
    }
    int empty = x->used == x->field_start;
    if (!split || !empty || (x->field_quoted && !x->field_vanishes))
        return end_field(x, split);
    return NULL;
}

/* Is this word, as typed, an assignment NAME=value? */
static int is_assignment(const char *raw)
{
    int len = name_length(raw);
    return len > 0 && raw[len] == '=';
}

/* Expand command c of p into x: assignments, arguments and redirections; 0, or -1 on error. */
static int expand_command(struct program *p, struct command *c, struct expansion *x)
{
    int words = 0;
    x->used = x->argc = x->nassigns = x->nredirs = x->failed = 0;
    for (int i = c->first; i < c->first + c->count; i++) {
        struct token *t = &p->tokens[i];
        if (t->type == TOK_REDIR && x->nredirs == MAX_REDIRS) {
            expansion_error(x, "too many redirections");
        } else if (t->type == TOK_REDIR) {
            struct redirect *r = &x->redirs[x->nredirs++];
            r->kind = t->redir;
            r->fd = t->fd;
            r->target = expand_word(x, p->tokens[++i].text, 0);
        } else if (!words && is_assignment(t->text) && x->nassigns == MAX_ASSIGNS) {
            expansion_error(x, "too many assignments");
        } else if (!words && is_assignment(t->text)) {
            x->assigns[x->nassigns++] = expand_word(x, t->text, 0);
        } else {
            words = 1;
            expand_word(x, t->text, 1);
        }
    }
    x->argv[x->argc] = NULL;
    return x->failed ? -1 : 0;
}

/* ---------------------------------------------------------------------------------------------
 * Redirections
 */

/* Make descriptor r->fd a copy of another (N>&M), or close it (N>&-). */
static int duplicate_fd(struct redirect *r)
{
    int from;
    if (!strcmp(r->target, "-")) {
        close(r->fd);
        return 0;
    }
    if (parse_int(r->target, &from) < 0 || from < 0) {
        errorf("%s: bad file descriptor", r->target);
        return -1;
    }
    if (from != r->fd && dup2(from, r->fd) < 0) {
        errorf("%d: %s", from, strerror(errno));
        return -1;
    }
    return 0;
}

/* Perform one redirection on this process's descriptors; returns 0, or -1 after reporting. */
static int apply_redirect(struct redirect *r)
{
    int flags = O_WRONLY | O_CREAT | O_TRUNC;
    if (r->kind == REDIR_DUP)
        return duplicate_fd(r);
    if (r->kind == REDIR_IN)
        flags = O_RDONLY;
    else if (r->kind == REDIR_APPEND)
        flags = O_WRONLY | O_CREAT | O_APPEND;
    int fd = open(r->target, flags, 0666);
    if (fd < 0) {
        errorf("%s: %s", r->target, strerror(errno));
        return -1;
    }
    if (fd != r->fd && dup2(fd, r->fd) < 0) {
        errorf("%d: %s", r->fd, strerror(errno));
        close(fd);
        return -1;
    }
    if (fd != r->fd)
        close(fd);
    return 0;
}

/* Apply x's redirections. With saved (for a built-in), first keep a copy of each descriptor so
 * restore_redirects can undo them; *nsaved counts the copies. Returns 0, or -1 on error. */
static int apply_redirects(struct expansion *x, int *saved, int *nsaved)
{
    *nsaved = 0;
    for (int i = 0; i < x->nredirs; i++) {
        int fd = x->redirs[i].fd, ours = 0;
        if (saved) {
            for (int k = 0; k < i; k++) { /* our copy sits on fd: move it out of the way */
                if (saved[k] == fd) {
                    saved[k] = dup(fd);
                    ours = 1;
                }
            }
            saved[i] = ours ? -1 : dup(fd); /* -1: fd was not open */
            *nsaved = i + 1;
        }
        if (apply_redirect(&x->redirs[i]) < 0)
            return -1;
    }
    return 0;
}

/* Undo the redirections apply_redirects saved, newest first. */
static void restore_redirects(struct expansion *x, int *saved, int nsaved)
{
    for (int i = nsaved - 1; i >= 0; i--) {
        int fd = x->redirs[i].fd;
        if (saved[i] < 0) {
            close(fd);
        } else {
            dup2(saved[i], fd);
            close(saved[i]);
        }
    }
}

/* ---------------------------------------------------------------------------------------------
 * Job table. A job is one pipeline (or one background and-or list) and its processes.
 */

enum proc_state { PROC_RUNNING, PROC_STOPPED, PROC_DONE };

struct job {
    int id;                 /* the N of [N]; 0 when the slot is free */
    pid_t pgid;             /* its process group; 0 without job control */
    int nprocs;             /* processes started */
    pid_t pids[MAX_PIPE];
    int states[MAX_PIPE];   /* enum proc_state of each process */
    int statuses[MAX_PIPE]; /* the last wait status of each process */
    int foreground;         /* the shell is waiting for it */
    int changed;            /* it stopped or ended and the user has not been told */
    char text[JOB_TEXT];    /* the command as typed */
};

static struct job jobs[MAX_JOBS];
static struct job *current_job;  /* %+ : the one stopped last, else the newest */
static struct job *previous_job; /* %- : the one current before it */

/* The job numbered id, or NULL. */
static struct job *job_by_id(int id)
{
    for (int i = 0; i < MAX_JOBS; i++)
        if (id > 0 && jobs[i].id == id)
            return &jobs[i];
    return NULL;
}

/* The highest job number in use (0 if none). */
static int max_job_id(void)
{
    int top = 0;
    for (int i = 0; i < MAX_JOBS; i++)
        if (jobs[i].id > top)
            top = jobs[i].id;
    return top;
}

/* The job's state: running if any process runs, else stopped if any is stopped, else done. */
static int job_state(struct job *j)
{
    int state = PROC_DONE;
    for (int k = 0; k < j->nprocs; k++) {
        if (j->states[k] == PROC_RUNNING)
            return PROC_RUNNING;
        if (j->states[k] == PROC_STOPPED)
            state = PROC_STOPPED;
    }
    return state;
}

/* The exit status ($?) of a job that ended or stopped: its last process decides. */
static int job_exit_status(struct job *j)
{
    for (int k = 0; k < j->nprocs; k++)
        if (j->states[k] == PROC_STOPPED)
            return 128 + WSTOPSIG(j->statuses[k]);
    int status = j->statuses[j->nprocs - 1];
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

/* Make j the current job; the old current job becomes the previous one. */
static void set_current(struct job *j)
{
    if (j == current_job)
        return;
    previous_job = current_job;
    current_job = j;
}

/* Free j's slot, and choose new current and previous jobs if it was one of them. */
static void forget_job(struct job *j)
{
    j->id = 0;
    if (j == previous_job)
        previous_job = NULL;
    if (j == current_job) {
        current_job = previous_job;
        previous_job = NULL;
    }
    for (int id = max_job_id(); id > 0 && (!current_job || !previous_job); id--) {
        struct job *other = job_by_id(id);
        if (!other || other->foreground || other == current_job || other == previous_job)
            continue;
        if (!current_job)
            current_job = other;
        else
            previous_job = other;
    }
}

/* Forget every job (a child shell is not the parent of its parent's jobs). */
static void forget_all_jobs(void)
{
    memset(jobs, 0, sizeof jobs);
    current_job = previous_job = NULL;
}

/* The job that process pid belongs to, or NULL; *index is set to its place in the job. */
static struct job *job_of_pid(pid_t pid, int *index)
{
    for (int i = 0; i < MAX_JOBS; i++) {
        for (int k = 0; jobs[i].id && k < jobs[i].nprocs; k++) {
            if (jobs[i].pids[k] == pid) {
                *index = k;
                return &jobs[i];
            }
        }
    }
    return NULL;
}

/* Note a new wait status of process pid in its job. */
static void record_status(pid_t pid, int status)
{
    int k;
    struct job *j = job_of_pid(pid, &k);
    if (!j)
        return;
    if (WIFCONTINUED(status)) {
        j->states[k] = PROC_RUNNING;
    } else {
        j->states[k] = WIFSTOPPED(status) ? PROC_STOPPED : PROC_DONE;
        j->statuses[k] = status;
    }
    j->changed = 1;
}

/* Collect the state changes of children without blocking. */
static void reap_jobs(void)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG | WUNTRACED | WCONTINUED)) > 0)
        record_status(pid, status);
}

/* Block until some child changes state and record it; returns -1 if interrupted or childless. */
static int wait_for_child(void)
{
    int status;
    pid_t pid = waitpid(-1, &status, WUNTRACED);
    if (pid < 0)
        return -1;
    record_status(pid, status);
    return 0;
}

/* Take a free slot (or else the oldest finished job's) for a new job running text[0..len). */
static struct job *new_job(const char *text, int len)
{
    struct job *j = NULL;
    for (int i = 0; i < MAX_JOBS && !j; i++)
        if (jobs[i].id == 0)
            j = &jobs[i];
    if (!j)
        reap_jobs(); /* perhaps some have ended since the last prompt */
    for (int id = 1; id <= max_job_id() && !j; id++) {
        struct job *old = job_by_id(id);
        if (old && !old->foreground && job_state(old) == PROC_DONE) {
            forget_job(old);
            j = old;
        }
    }
    if (!j) {
        errorf("too many jobs (max %d)", MAX_JOBS);
        return NULL;
    }
    int id = max_job_id() + 1;
    memset(j, 0, sizeof *j);
    j->id = id;
    if (len > JOB_TEXT - 1)
        len = JOB_TEXT - 1;
    for (int i = 0; i < len; i++)
        j->text[i] = text[i] == '\n' ? ' ' : text[i];
    return j;
}

/* Describe j's state as bash does: "Running", "Stopped", "Done", "Exit 3", "Terminated"... */
static void describe_job(struct job *j, char *buf, size_t size)
{
    int state = job_state(j), status = j->statuses[j->nprocs - 1];
    if (state == PROC_RUNNING)
        snprintf(buf, size, "Running");
    else if (state == PROC_STOPPED)
        snprintf(buf, size, "Stopped");
    else if (WIFSIGNALED(status))
        snprintf(buf, size, "%s%s", signal_text(WTERMSIG(status)),
                 WCOREDUMP(status) ? " (core dumped)" : "");
    else if (WEXITSTATUS(status))
        snprintf(buf, size, "Exit %d", WEXITSTATUS(status));
    else
        snprintf(buf, size, "Done");
}

/* Print j as a job line: "[1]+  Running                 sleep 100 &" (with_pid: jobs -l). */
static void print_job(int fd, struct job *j, int with_pid)
{
    char state[64], pid[16] = "  ";
    char mark = j == current_job ? '+' : j == previous_job ? '-' : ' ';
    describe_job(j, state, sizeof state);
    if (with_pid)
        snprintf(pid, sizeof pid, " %d ", (int)j->pids[0]);
    print(fd, "[%d]%c%s%-24s%s%s\n", j->id, mark, pid, state, j->text,
          job_state(j) == PROC_RUNNING ? " &" : "");
}

/* Tell the user about background jobs that stopped or ended since the last prompt; forget the
 * ended ones. */
static void notify_jobs(void)
{
    int top = max_job_id();
    for (int id = 1; id <= top; id++) {
        struct job *j = job_by_id(id);
        if (!j || !j->changed || j->foreground)
            continue;
        j->changed = 0;
        int state = job_state(j);
        if (state != PROC_RUNNING)
            print_job(2, j, 0);
        if (state == PROC_DONE)
            forget_job(j);
    }
}

/* Send sig to every process of j (to its process group under job control). A stopped job also
 * gets SIGCONT, so that it can act on sig. */
static int signal_job(struct job *j, int sig)
{
    int result = 0, stopped = job_state(j) == PROC_STOPPED;
    if (j->pgid)
        result = kill(-j->pgid, sig);
    for (int k = 0; !j->pgid && k < j->nprocs; k++)
        if (j->states[k] != PROC_DONE && kill(j->pids[k], sig) < 0)
            result = -1;
    if (result == 0 && stopped && sig != SIGKILL && sig != SIGCONT)
        signal_job(j, SIGCONT);
    return result;
}

/* Let a stopped job run again. */
static void continue_job(struct job *j)
{
    for (int k = 0; k < j->nprocs; k++)
        if (j->states[k] == PROC_STOPPED)
            j->states[k] = PROC_RUNNING;
    j->changed = 0;
    signal_job(j, SIGCONT);
}

/* ---------------------------------------------------------------------------------------------
 * Execution
 */

/* Run the file as a script in this process: execve said it is not a binary (no #!). */
static void run_as_script(const char *file, char **argv)
{
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    for (int i = nvars - 1; i >= 0; i--) /* a new shell would only see the environment */
        if (!vars[i].exported)
            unset_var(vars[i].entry, name_length(vars[i].entry));
    script_name = (char *)file;
    positional = argv + 1;
    for (npositional = 0; positional[npositional];)
        npositional++;
    interactive = job_control = 0;
    forget_all_jobs();
    exit_shell(run_file(fd));
}

/* execve file; if it turns out to be a script without #!, run it with this shell. */
static void try_exec(const char *file, char **argv, char **env)
{
    execve(file, argv, env);
    if (errno == ENOEXEC) {
        run_as_script(file, argv);
        errno = ENOEXEC;
    }
}

/* Report why a program could not start; returns the exit status: 127 missing, else 126. */
static int exec_error(const char *name, int err)
{
    errorf("%s: %s", name, strerror(err));
    return err == ENOENT ? 127 : 126;
}

/* Put in file the next place PATH offers for name, moving *path on; returns 0 when none is
 * left. An empty PATH entry means the current directory. */
static int next_in_path(const char **path, const char *name, char *file)
{
    while (*path) {
        const char *dir = *path, *colon = strchr(dir, ':');
        int len = colon ? colon - dir : (int)strlen(dir);
        *path = colon ? colon + 1 : NULL;
        if (snprintf(file, PATH_SIZE, "%.*s%s%s", len, dir, len ? "/" : "", name) < PATH_SIZE)
            return 1;
    }
    return 0;
}

/* Replace this process with program argv[0] (searched in PATH unless it has a '/'), its
 * environment being the exported variables; returns an exit status if that fails. */
static int exec_program(char **argv)
{
    char **env = build_env(), file[PATH_SIZE];
    const char *path = get_var("PATH");
    int denied = 0;
    if (strchr(argv[0], '/')) {
        try_exec(argv[0], argv, env);
        return exec_error(argv[0], errno);
    }
    if (!path)
        path = DEFAULT_PATH;
    while (next_in_path(&path, argv[0], file)) {
        try_exec(file, argv, env);
        if (errno == EACCES)
            denied = 1;
        else if (errno != ENOENT && errno != ENOTDIR)
            return exec_error(argv[0], errno);
    }
    if (denied)
        return exec_error(argv[0], EACCES);
    errorf("%s: not found", argv[0]);
    return 127;
}

/* Move descriptor from onto to (nothing if from is -1 or already to). */
static void move_fd(int from, int to)
{
    if (from < 0 || from == to)
        return;
    dup2(from, to);
    close(from);
}

/* Close fd unless it is -1. */
static void close_fd(int fd)
{
    if (fd >= 0)
        close(fd);
}

/* In a new child of job j: join the job's process group (taking the terminal if the job runs
 * in the foreground), restore signals, and connect stdin/stdout to in/out. */
static void become_job_child(struct job *j, int in, int out, int spare)
{
    if (job_control) {
        pid_t pgid = j->pgid ? j->pgid : getpid();
        setpgid(0, pgid);
        if (j->foreground)
            tcsetpgrp(0, pgid); /* SIGTTOU is still ignored here, as it must be */
    }
    if (signals_ignored)
        set_job_signals(SIG_DFL);
    if (!job_control && !j->foreground) { /* POSIX: background jobs without job control */
        set_signal(SIGINT, SIG_IGN);
        set_signal(SIGQUIT, SIG_IGN);
        if (in < 0)
            move_fd(open("/dev/null", O_RDONLY), 0);
    }
    close_fd(spare);
    move_fd(in, 0);
    move_fd(out, 1);
    interactive = job_control = signals_ignored = 0; /* the job table stays, for jobs | ... */
}

/* Fork a process of job j reading from in and writing to out (-1: unchanged); spare is a
 * descriptor the child must close. Returns the pid in the parent (-1 on failure), 0 in the
 * child. */
static pid_t fork_into_job(struct job *j, int in, int out, int spare)
{
    pid_t pid = fork();
    if (pid < 0) {
        errorf("fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        become_job_child(j, in, out, spare);
        return 0;
    }
    if (job_control) { /* the child does this too: whichever runs first wins the race */
        if (!j->pgid)
            j->pgid = pid;
        setpgid(pid, j->pgid);
    }
    j->pids[j->nprocs] = pid;
    j->states[j->nprocs] = PROC_RUNNING;
    j->nprocs++;
    return pid;
}

/* Run an expanded command in a child: redirections, then a built-in or a program. */
static int run_expanded(struct expansion *x)
{
    int nsaved;
    if (apply_redirects(x, NULL, &nsaved) < 0)
        return 1;
    for (int i = 0; i < x->nassigns; i++)
        assign(x->assigns[i], 1);
    if (x->argc == 0)
        return 0;
    const struct builtin *b = find_builtin(x->argv[0]);
    if (b)
        return b->run(x->argc, x->argv);
    return exec_program(x->argv);
}

/* In a pipeline's child: expand the command (unless the parent did) and run it. Never returns. */
static void run_in_child(struct program *p, struct command *c, struct expansion *x)
{
    if (!x) {
        x = malloc(sizeof *x);
        if (!x) {
            errorf("out of memory");
            _exit(1);
        }
        if (expand_command(p, c, x) < 0)
            _exit(1);
    }
    _exit(run_expanded(x));
}

/* Fork one process per command of pl into job j, joined by pipes. x is the expanded command
 * when the parent already expanded it. Returns 0, or -1 if a pipe or fork failed. */
static int start_pipeline(struct job *j, struct program *p, struct pipeline *pl,
                          struct expansion *x)
{
    int in = -1;
    for (int i = 0; i < pl->count; i++) {
        int fds[2] = {-1, -1};
        if (i < pl->count - 1 && pipe(fds) < 0) {
            errorf("pipe: %s", strerror(errno));
            close_fd(in);
            return -1;
        }
        pid_t pid = fork_into_job(j, in, fds[1], fds[0]);
        if (pid == 0)
            run_in_child(p, &p->commands[pl->first + i], x);
        close_fd(in);
        close_fd(fds[1]);
        in = fds[0];
        if (pid < 0) {
            close_fd(in);
            return -1;
        }
    }
    return 0;
}

/* Say how a foreground job that was killed died, as bash does ("Terminated", "Killed"...). */
static void report_signal(struct job *j)
{
    for (int k = 0; k < j->nprocs; k++) {
        int status = j->statuses[k], sig = WTERMSIG(status);
        if (!WIFSIGNALED(status) || sig == SIGPIPE)
            continue;
        if (sig == SIGINT && interactive) {
            put(2, "\n");
            interrupted = 1;
        } else if (sig != SIGINT) {
            print(2, "%s%s\n", signal_text(sig), WCOREDUMP(status) ? " (core dumped)" : "");
        }
        return;
    }
}

/* Wait until the foreground job j ends or stops, then give the terminal back to the shell;
 * returns the job's status for $?. */
static int wait_foreground(struct job *j)
{
    while (job_state(j) == PROC_RUNNING) {
        if (wait_for_child() < 0 && errno != EINTR)
            for (int k = 0; k < j->nprocs; k++) /* no children left: cannot happen, but be safe */
                j->states[k] = PROC_DONE;
    }
    int status = job_exit_status(j);
    j->foreground = 0;
    j->changed = 0;
    if (job_control)
        tcsetpgrp(0, shell_pgid);
    if (job_state(j) == PROC_STOPPED) {
        set_current(j);
        if (job_control)
            tcsetattr(0, TCSANOW, &shell_modes);
        if (interactive) {
            put(2, "\n");
            print_job(2, j, 0);
        }
        return status;
    }
    report_signal(j);
    if (job_control && WIFSIGNALED(j->statuses[j->nprocs - 1]))
        tcsetattr(0, TCSANOW, &shell_modes); /* it may have left the terminal in a raw mode */
    else if (job_control)
        tcgetattr(0, &shell_modes); /* it ended normally: keep what it set (stty) */
    forget_job(j);
    return status;
}

/* Record a new background job: $!, the current job, and "[N] PID" when interactive. */
static int announce_job(struct job *j)
{
    last_background = j->pids[j->nprocs - 1];
    if (current_job && job_state(current_job) == PROC_STOPPED)
        previous_job = j; /* as in bash, a stopped job stays the current one */
    else
        set_current(j);
    if (interactive)
        print(2, "[%d] %d\n", j->id, (int)last_background);
    return 0;
}

/* Run pipeline pl of p as a new job, text being source[start..end); returns its status. */
static int run_job(struct program *p, struct pipeline *pl, struct expansion *x, int background,
                   int start, int end)
{
    struct job *j = new_job(p->source + start, end - start);
    if (!j)
        return 1;
    j->foreground = !background;
    int started = start_pipeline(j, p, pl, x) == 0;
    if (j->nprocs == 0) {
        forget_job(j);
        return 1;
    }
    if (background)
        return announce_job(j);
    int status = wait_foreground(j);
    return started ? status : 1;
}

/* Set x's NAME=value words as exported variables for one built-in; old keeps what they hid. */
static void set_assignments(struct expansion *x, struct var *old)
{
    for (int i = 0; i < x->nassigns; i++) {
        old[i] = take_var(x->assigns[i], name_length(x->assigns[i]));
        assign(x->assigns[i], 1);
    }
}

/* Put back the variables set_assignments replaced, newest first. */
static void restore_assignments(struct expansion *x, struct var *old)
{
    for (int i = x->nassigns - 1; i >= 0; i--) {
        unset_var(x->assigns[i], name_length(x->assigns[i]));
        if (old[i].entry && store_var(old[i].entry, 0) == 0)
            find_var(x->assigns[i], name_length(x->assigns[i]))->exported = old[i].exported;
    }
}

/* Run a built-in inside the shell; its redirections and assignments last only while it runs,
 * except that exec's redirections are for the shell itself. */
static int run_builtin(const struct builtin *b, struct expansion *x)
{
    int saved[MAX_REDIRS], nsaved, status = 1;
    int keep = b->run == builtin_exec;
    struct var old[MAX_ASSIGNS];
    set_assignments(x, old);
    if (apply_redirects(x, keep ? NULL : saved, &nsaved) == 0)
        status = b->run(x->argc, x->argv);
    restore_redirects(x, saved, nsaved);
    restore_assignments(x, old);
    return status;
}

/* A command with no words left: set its variables in the shell, and do its redirections
 * (creating or truncating files) without keeping them. */
static int run_assignments(struct expansion *x)
{
    int saved[MAX_REDIRS], nsaved, status = 0;
    for (int i = 0; i < x->nassigns; i++)
        if (assign(x->assigns[i], 0) < 0)
            status = 1;
    if (apply_redirects(x, saved, &nsaved) < 0)
        status = 1;
    restore_redirects(x, saved, nsaved);
    return status;
}

/* Run one pipeline in the foreground and return its status. A lone built-in runs in the shell
 * itself (so that cd and exit work); everything else is forked as a job. */
static int run_pipeline(struct program *p, struct pipeline *pl)
{
    if (pl->count > 1)
        return run_job(p, pl, NULL, 0, pl->start, pl->end);
    struct expansion *x = malloc(sizeof *x);
    if (!x) {
        errorf("out of memory");
        return 1;
    }
    int status = 1;
    if (expand_command(p, &p->commands[pl->first], x) == 0) {
        const struct builtin *b = x->argc ? find_builtin(x->argv[0]) : NULL;
        if (x->argc == 0)
            status = run_assignments(x);
        else if (b)
            status = run_builtin(b, x);
        else
            status = run_job(p, pl, x, 0, pl->start, pl->end);
    }
    free(x);
    return status;
}

/* Run the pipelines of an and-or list, each one depending on the status of the one before. */
static int run_andor(struct program *p, struct andor *l)
{
    for (int k = 0; k < l->count && !interrupted; k++) {
        struct pipeline *pl = &p->pipelines[l->first + k];
        if ((pl->connector == TOK_AND && last_status != 0) ||
            (pl->connector == TOK_OR && last_status == 0))
            continue;
        last_status = run_pipeline(p, pl);
        if (pl->negate)
            last_status = !last_status;
    }
    return last_status;
}

/* Start an and-or list ended by & as a background job. A list of several pipelines runs in a
 * forked copy of the shell, which is the job's one process. */
static int run_background(struct program *p, struct andor *l)
{
    if (l->count == 1)
        return run_job(p, &p->pipelines[l->first], NULL, 1, l->start, l->end);
    struct job *j = new_job(p->source + l->start, l->end - l->start);
    if (!j)
        return 1;
    pid_t pid = fork_into_job(j, -1, -1, -1);
    if (pid == 0)
        _exit(run_andor(p, l));
    if (pid < 0) {
        forget_job(j);
        return 1;
    }
    return announce_job(j);
}

/* Run every and-or list of a parsed line; stops early if ^C killed a foreground job. */
static void run_program(struct program *p)
{
    interrupted = 0;
    for (int i = 0; i < p->nlists && !interrupted; i++) {
        struct andor *l = &p->lists[i];
        last_status = l->background ? run_background(p, l) : run_andor(p, l);
    }
}

/* Parse and run one line of input (or a whole -c string); returns $?. A syntax error ends a
 * shell that is not interactive, with status 2. */
static int run_line(const char *line)
{
    size_t len = strlen(line);
    if (len >= MAX_LINE) {
        errorf("line too long (max %d bytes)", MAX_LINE - 1);
        return last_status = 2;
    }
    struct program *p = malloc(sizeof *p);
    if (!p) {
        errorf("out of memory");
        return last_status = 1;
    }
    p->words_used = p->ntokens = p->ncommands = p->npipelines = p->nlists = 0;
    memcpy(p->source, line, len + 1);
    if (lex(p) == 0 && parse(p) == 0) {
        run_program(p);
    } else {
        last_status = 2;
        if (!interactive)
            exit_shell(2);
    }
    free(p);
    return last_status;
}

struct reader {   /* line input from a script or from stdin */
    int fd;
    int one_byte; /* read stdin a byte at a time, leaving the rest for the commands run */
    int pos, len; /* unread bytes are buf[pos..len) */
    char buf[1024];
    char line[MAX_LINE];
};

/* A new reader of fd (NULL, reported, if out of memory). */
static struct reader *new_reader(int fd)
{
    struct reader *r = malloc(sizeof *r);
    if (!r) {
        errorf("out of memory");
        return NULL;
    }
    r->fd = fd;
    r->one_byte = fd == 0;
    r->pos = r->len = 0;
    return r;
}

/* The next byte of input, or -1 at its end. */
static int next_byte(struct reader *r)
{
    if (r->pos == r->len) {
        ssize_t n;
        do
            n = read(r->fd, r->buf, r->one_byte ? 1 : sizeof r->buf);
        while (n < 0 && errno == EINTR);
        if (n <= 0)
            return -1;
        r->pos = 0;
        r->len = n;
    }
    return (unsigned char)r->buf[r->pos++];
}

/* Read one line into r->line without its newline; returns its length, or -1 at end of input.
 * A line that is too long is reported and read as an empty one. */
static int read_line(struct reader *r)
{
    int n = 0, c, too_long = 0;
    while ((c = next_byte(r)) >= 0 && c != '\n') {
        if (n < MAX_LINE - 1)
            r->line[n++] = c;
        else
            too_long = 1;
    }
    if (c < 0 && n == 0)
        return -1;
    r->line[n] = 0;
    if (too_long) {
        errorf("line too long (max %d bytes)", MAX_LINE - 1);
        r->line[0] = 0;
        return 0;
    }
    return n;
}

/* Read commands from fd line by line and run each; returns the status of the last one. */
static int run_file(int fd)
{
    struct reader *r = new_reader(fd);
    int status = 0;
    if (!r)
        return 1;
    while (read_line(r) >= 0) {
        status = run_line(r->line);
        if (!interactive)
            reap_jobs();
    }
    free(r);
    return status;
}

/* ---------------------------------------------------------------------------------------------
 * Built-in commands
 */

/* Leave the shell. With stopped jobs an interactive shell refuses, unless the user insists on
 * the very next line; then it ends them. */
static void exit_shell(int status)
{
    static int warned_at = -1; /* the line on which the user was warned */
    int stopped = 0;
    for (int i = 0; i < MAX_JOBS; i++)
        if (jobs[i].id && job_state(&jobs[i]) == PROC_STOPPED)
            stopped = 1;
    if (interactive && stopped && warned_at != lines_read - 1) {
        put(2, "There are stopped jobs.\n");
        warned_at = lines_read;
        return;
    }
    for (int i = 0; i < MAX_JOBS; i++)
        if (interactive && jobs[i].id && job_state(&jobs[i]) == PROC_STOPPED)
            signal_job(&jobs[i], SIGTERM);
    exit(status & 255);
}

/* The job named by spec: %N, N, %%, %+, %-, or NULL for the current job; reports if none. */
static struct job *find_job(const char *spec, const char *command)
{
    struct job *j = NULL;
    int n;
    if (!spec || !strcmp(spec, "%") || !strcmp(spec, "%%") || !strcmp(spec, "%+"))
        j = current_job;
    else if (!strcmp(spec, "%-"))
        j = previous_job;
    else if (parse_int(spec[0] == '%' ? spec + 1 : spec, &n) == 0)
        j = job_by_id(n);
    if (!j)
        errorf("%s: %s: no such job", command, spec ? spec : "current");
    return j;
}

/* : and true: succeed. */
static int builtin_true(int argc, char **argv)
{
    (void)argc, (void)argv;
    return 0;
}

/* false: fail. */
static int builtin_false(int argc, char **argv)
{
    (void)argc, (void)argv;
    return 1;
}

/* echo [-n] [ARG...]: print the arguments separated by spaces. */
static int builtin_echo(int argc, char **argv)
{
    struct outbuf o = {.fd = 1, .len = 0};
    int i = 1, newline = 1;
    for (; i < argc && !strcmp(argv[i], "-n"); i++)
        newline = 0;
    for (int first = i; i < argc; i++) {
        if (i > first)
            out_add(&o, " ");
        out_add(&o, argv[i]);
    }
    if (newline)
        out_add(&o, "\n");
    out_flush(&o);
    return 0;
}

/* cd [DIR]: change the working directory (default $HOME, or /); "cd -" goes back. */
static int builtin_cd(int argc, char **argv)
{
    static char old[PATH_SIZE], now[PATH_SIZE];
    const char *dir = argc > 1 ? argv[1] : get_var("HOME");
    int back = argc > 1 && !strcmp(argv[1], "-");
    if (back && !(dir = get_var("OLDPWD"))) {
        errorf("cd: OLDPWD not set");
        return 1;
    }
    if (!dir || !dir[0])
        dir = "/";
    if (!getcwd(old, sizeof old))
        old[0] = 0;
    if (chdir(dir) < 0) {
        errorf("cd: %s: %s", dir, strerror(errno));
        return 1;
    }
    if (back)
        print_line(dir);
    if (old[0])
        set_var("OLDPWD", old);
    if (getcwd(now, sizeof now))
        set_var("PWD", now);
    return 0;
}

/* pwd: print the working directory. */
static int builtin_pwd(int argc, char **argv)
{
    static char dir[PATH_SIZE];
    (void)argc, (void)argv;
    if (!getcwd(dir, sizeof dir)) {
        errorf("pwd: %s", strerror(errno));
        return 1;
    }
    print_line(dir);
    return 0;
}

/* exit [N]: leave the shell with status N (default $?). */
static int builtin_exit(int argc, char **argv)
{
    int status = last_status;
    if (argc > 1 && parse_int(argv[1], &status) < 0) {
        errorf("exit: %s: numeric argument required", argv[1]);
        status = 2;
    }
    exit_shell(status);
    return 1;
}

/* Print the exported variables as export commands that would recreate them. */
static int list_exports(void)
{
    struct outbuf o = {.fd = 1, .len = 0};
    for (int i = 0; i < nvars; i++) {
        char *e = vars[i].entry, *value = strchr(e, '=');
        if (!vars[i].exported)
            continue;
        out_add(&o, "export ");
        for (; *e && e != value; e++)
            out_char(&o, *e);
        if (!value) {
            out_add(&o, "\n");
            continue;
        }
        out_add(&o, "='");
        for (value++; *value; value++) {
            if (*value == '\'')
                out_add(&o, "'\\''"); /* end the quote, add a quoted ', start again */
            else
                out_char(&o, *value);
        }
        out_add(&o, "'\n");
    }
    out_flush(&o);
    return 0;
}

/* export [NAME[=VALUE]...]: pass variables to the environment of commands. */
static int builtin_export(int argc, char **argv)
{
    int status = 0;
    if (argc == 1 || (argc == 2 && !strcmp(argv[1], "-p")))
        return list_exports();
    for (int i = 1; i < argc; i++) {
        int len = name_length(argv[i]);
        struct var *v = find_var(argv[i], len);
        if (len == 0 || (argv[i][len] != '=' && argv[i][len] != 0)) {
            errorf("export: '%s': not a valid identifier", argv[i]);
            status = 1;
        } else if (argv[i][len] == '=' || !v) {
            if (assign(argv[i], 1) < 0)
                status = 1;
        } else {
            v->exported = 1;
        }
    }
    return status;
}

/* unset NAME...: remove variables. */
static int builtin_unset(int argc, char **argv)
{
    int status = 0;
    for (int i = 1; i < argc; i++) {
        int len = name_length(argv[i]);
        if (i == 1 && !strcmp(argv[i], "-v"))
            continue;
        if (len == 0 || argv[i][len]) {
            errorf("unset: '%s': not a valid identifier", argv[i]);
            status = 1;
        } else {
            unset_var(argv[i], len);
        }
    }
    return status;
}

/* jobs [-l|-p]: list the jobs; finished ones are reported this once and forgotten. */
static int builtin_jobs(int argc, char **argv)
{
    int with_pid = argc > 1 && !strcmp(argv[1], "-l");
    int pids_only = argc > 1 && !strcmp(argv[1], "-p");
    int top = max_job_id();
    reap_jobs();
    for (int id = 1; id <= top; id++) {
        struct job *j = job_by_id(id);
        if (!j || j->foreground)
            continue;
        if (pids_only)
            print(1, "%d\n", (int)j->pids[0]);
        else
            print_job(1, j, with_pid);
        j->changed = 0;
        if (job_state(j) == PROC_DONE)
            forget_job(j);
    }
    return 0;
}

/* The job fg or bg should act on; NULL (reported) without job control or if it has ended. */
static struct job *job_to_resume(int argc, char **argv)
{
    struct job *j;
    if (!job_control) {
        errorf("%s: no job control", argv[0]);
        return NULL;
    }
    j = find_job(argc > 1 ? argv[1] : NULL, argv[0]);
    if (j && job_state(j) == PROC_DONE) {
        errorf("%s: job has terminated", argv[0]);
        return NULL;
    }
    return j;
}

/* fg [%N]: bring a job to the foreground, continuing it if stopped, and wait for it. */
static int builtin_fg(int argc, char **argv)
{
    struct job *j = job_to_resume(argc, argv);
    if (!j)
        return 1;
    print(1, "%s\n", j->text);
    set_current(j);
    j->foreground = 1;
    tcsetpgrp(0, j->pgid);
    continue_job(j);
    return wait_foreground(j);
}

/* bg [%N]: continue a stopped job in the background. */
static int builtin_bg(int argc, char **argv)
{
    struct job *j = job_to_resume(argc, argv);
    if (!j)
        return 1;
    if (job_state(j) == PROC_RUNNING) {
        errorf("bg: job %d already in background", j->id);
        return 0;
    }
    continue_job(j);
    print(1, "[%d]%c %s &\n", j->id, j == current_job ? '+' : j == previous_job ? '-' : ' ',
          j->text);
    return 0;
}

/* Wait for one job named by spec (%N or a PID); returns its status. */
static int wait_for_job(const char *spec)
{
    struct job *j = NULL;
    int pid, k;
    if (spec[0] == '%') {
        if (!(j = find_job(spec, "wait")))
            return 127;
    } else if (parse_int(spec, &pid) == 0) {
        j = job_of_pid(pid, &k);
    }
    if (!j) {
        errorf("wait: pid %s is not a child of this shell", spec);
        return 127;
    }
    while (job_state(j) == PROC_RUNNING)
        if (wait_for_child() < 0)
            return errno == EINTR ? 130 : 127;
    int status = job_exit_status(j);
    if (!interactive && job_state(j) == PROC_DONE)
        forget_job(j);
    return status;
}

/* Wait until no background job is running; returns 0 (130 if ^C interrupted). */
static int wait_for_all(void)
{
    for (;;) {
        int running = 0;
        for (int i = 0; i < MAX_JOBS; i++)
            if (jobs[i].id && !jobs[i].foreground && job_state(&jobs[i]) == PROC_RUNNING)
                running = 1;
        if (!running)
            break;
        if (wait_for_child() < 0)
            return errno == EINTR ? 130 : 0;
    }
    for (int i = 0; i < MAX_JOBS; i++)
        if (!interactive && jobs[i].id && job_state(&jobs[i]) == PROC_DONE)
            forget_job(&jobs[i]);
    return 0;
}

/* wait [%N|PID...]: wait for jobs to end; ^C interrupts it in an interactive shell. */
static int builtin_wait(int argc, char **argv)
{
    int status = 0;
    if (signals_ignored)
        set_signal(SIGINT, note_interrupt);
    if (argc == 1)
        status = wait_for_all();
    for (int i = 1; i < argc && status != 130; i++)
        status = wait_for_job(argv[i]);
    if (signals_ignored)
        set_signal(SIGINT, SIG_IGN);
    if (status == 130 && interactive)
        put(2, "\n");
    return status;
}

/* kill -l [N]: list the signal names, or name signal N (or the one in exit status 128+N). */
static int list_signals(const char *arg)
{
    struct outbuf o = {.fd = 1, .len = 0};
    int n;
    if (arg) {
        const struct signal_name *s = parse_int(arg, &n) ? NULL : signal_by_number(n % 128);
        if (!s) {
            errorf("kill: %s: invalid signal specification", arg);
            return 1;
        }
        print(1, "%s\n", s->name);
        return 0;
    }
    for (int i = 0; i < NSIGNAL_NAMES; i++) {
        out_add(&o, signal_names[i].name);
        out_add(&o, i + 1 < NSIGNAL_NAMES ? " " : "\n");
    }
    out_flush(&o);
    return 0;
}

/* Send sig to one kill target: %N (a job) or a PID (negative: a process group). */
static int kill_target(const char *target, int sig)
{
    int pid;
    if (target[0] == '%') {
        struct job *j = find_job(target, "kill");
        if (!j)
            return -1;
        if (signal_job(j, sig) < 0) {
            errorf("kill: %s: %s", target, strerror(errno));
            return -1;
        }
        return 0;
    }
    if (parse_int(target, &pid) < 0) {
        errorf("kill: %s: arguments must be process or job IDs", target);
        return -1;
    }
    if (kill(pid, sig) < 0) {
        errorf("kill: (%s) - %s", target, strerror(errno));
        return -1;
    }
    return 0;
}

/* kill [-SIG | -s SIG] %N|PID... and kill -l [N]: send a signal (default TERM). */
static int builtin_kill(int argc, char **argv)
{
    int sig = SIGTERM, i = 1, status = 0;
    const char *spec = NULL;
    if (argc > 1 && !strcmp(argv[1], "-l"))
        return list_signals(argc > 2 ? argv[2] : NULL);
    if (argc > 2 && !strcmp(argv[1], "-s")) {
        spec = argv[2];
        i = 3;
    } else if (argc > 1 && argv[1][0] == '-' && argv[1][1] && strcmp(argv[1], "--")) {
        spec = argv[1] + 1;
        i = 2;
    }
    if (i < argc && !strcmp(argv[i], "--"))
        i++;
    if (spec && (sig = signal_number(spec)) < 0) {
        errorf("kill: %s: invalid signal specification", spec);
        return 1;
    }
    if (i == argc) {
        errorf("kill: usage: kill [-SIGNAL | -s SIGNAL] %%JOB|PID... or kill -l [N]");
        return 2;
    }
    for (; i < argc; i++)
        if (kill_target(argv[i], sig) < 0)
            status = 1;
    return status;
}

/* exec [COMMAND [ARG...]]: replace the shell with COMMAND. (run_builtin has already applied
 * the redirections for good, so "exec >file" alone redirects the shell.) */
static int builtin_exec(int argc, char **argv)
{
    if (argc < 2)
        return 0;
    if (signals_ignored)
        set_job_signals(SIG_DFL);
    int status = exec_program(argv + 1);
    if (signals_ignored)
        set_job_signals(SIG_IGN);
    if (!interactive)
        exit_shell(status);
    return status;
}

/* Open a file for '.': a name without '/' is looked for in PATH, then in the current directory. */
static int open_source(const char *name)
{
    char file[PATH_SIZE];
    const char *path = get_var("PATH");
    if (!path)
        path = DEFAULT_PATH;
    while (!strchr(name, '/') && next_in_path(&path, name, file)) {
        int fd = open(file, O_RDONLY | O_CLOEXEC);
        if (fd >= 0)
            return fd;
    }
    return open(name, O_RDONLY | O_CLOEXEC);
}

/* . FILE [ARG...] (and source): run the commands of FILE in this shell. */
static int builtin_source(int argc, char **argv)
{
    char **saved = positional;
    int nsaved = npositional;
    if (argc < 2) {
        errorf("%s: filename argument required", argv[0]);
        return 2;
    }
    if (source_depth == MAX_SOURCE_DEPTH) {
        errorf("%s: too deeply nested (max %d)", argv[0], MAX_SOURCE_DEPTH);
        return 1;
    }
    int fd = open_source(argv[1]);
    if (fd < 0) {
        errorf("%s: %s: %s", argv[0], argv[1], strerror(errno));
        return 1;
    }
    if (argc > 2) {
        positional = argv + 2;
        npositional = argc - 2;
    }
    source_depth++;
    int status = run_file(fd);
    source_depth--;
    positional = saved;
    npositional = nsaved;
    close(fd);
    return status;
}

static int builtin_help(int argc, char **argv);

static const struct builtin builtins[] = {
    {".", builtin_source, ". FILE [ARG...]", "run the commands in FILE in this shell"},
    {":", builtin_true, ":", "do nothing, successfully"},
    {"bg", builtin_bg, "bg [%N]", "continue a stopped job in the background"},
    {"cd", builtin_cd, "cd [DIR|-]", "change the working directory (default $HOME)"},
    {"echo", builtin_echo, "echo [-n] [ARG...]", "print the arguments"},
    {"exec", builtin_exec, "exec [COMMAND [ARG...]]", "replace the shell, or redirect it"},
    {"exit", builtin_exit, "exit [N]", "leave the shell with status N"},
    {"export", builtin_export, "export [NAME[=VALUE]...]", "give variables to commands"},
    {"false", builtin_false, "false", "fail"},
    {"fg", builtin_fg, "fg [%N]", "bring a job to the foreground"},
    {"help", builtin_help, "help", "list the built-in commands"},
    {"jobs", builtin_jobs, "jobs [-l|-p]", "list the jobs"},
    {"kill", builtin_kill, "kill [-SIG] %N|PID...", "send a signal (kill -l lists them)"},
    {"pwd", builtin_pwd, "pwd", "print the working directory"},
    {"source", builtin_source, "source FILE [ARG...]", "the same as ."},
    {"true", builtin_true, "true", "succeed"},
    {"unset", builtin_unset, "unset NAME...", "remove variables"},
    {"wait", builtin_wait, "wait [%N|PID...]", "wait for background jobs to end"},
};
#define NBUILTINS (int)(sizeof builtins / sizeof builtins[0])

/* help: list the built-ins, one line each. */
static int builtin_help(int argc, char **argv)
{
    (void)argc, (void)argv;
    for (int i = 0; i < NBUILTINS; i++)
        print(1, "%-26s%s\n", builtins[i].usage, builtins[i].description);
    return 0;
}

/* The built-in called name, or NULL. */
static const struct builtin *find_builtin(const char *name)
{
    for (int i = 0; i < NBUILTINS; i++)
        if (!strcmp(builtins[i].name, name))
            return &builtins[i];
    return NULL;
}

/* ---------------------------------------------------------------------------------------------
 * Line editor: raw terminal mode only while a line is read; history with up and down.
 */

enum { KEEP_EDITING, LINE_DONE, END_OF_INPUT };

struct editor {
    char *line;         /* the text being edited (MAX_LINE bytes) */
    int len;            /* its length */
    int pos;            /* cursor position, 0..len */
    const char *prompt; /* shown before the text */
    int browsing;       /* history entry shown; history_count means the new line */
};

static char *history[MAX_HISTORY]; /* oldest first, from malloc */
static int history_count;
static char pending[MAX_LINE]; /* the new line, kept while the history is browsed */

/* Redraw the line: back to column 0, prompt, text, clear the rest, cursor back into place. */
static void redraw(struct editor *e)
{
    static char buf[MAX_LINE + 256];
    int n = snprintf(buf, sizeof buf, "\r%.200s%.*s\x1b[K", e->prompt, e->len, e->line);
    if (e->pos < e->len)
        n += snprintf(buf + n, sizeof buf - n, "\x1b[%dD", e->len - e->pos);
    write_all(2, buf, n);
}

/* Insert c at the cursor. */
static void insert_char(struct editor *e, char c)
{
    if (e->len == MAX_LINE - 1) {
        put(2, "\a");
        return;
    }
    memmove(e->line + e->pos + 1, e->line + e->pos, e->len - e->pos);
    e->line[e->pos++] = c;
    e->len++;
    if (e->pos == e->len)
        write_all(2, &c, 1);
    else
        redraw(e);
}

/* Delete the text between from and to; the cursor goes to from. */
static void delete_text(struct editor *e, int from, int to)
{
    if (from < 0 || to > e->len || from >= to)
        return;
    memmove(e->line + from, e->line + to, e->len - to);
    e->len -= to - from;
    e->pos = from;
    redraw(e);
}

/* Move the cursor to pos, if that is inside the line. */
static void move_cursor(struct editor *e, int pos)
{
    if (pos < 0 || pos > e->len || pos == e->pos)
        return;
    e->pos = pos;
    redraw(e);
}

/* Where the word before the cursor starts (for ^W). */
static int word_start(struct editor *e)
{
    int i = e->pos;
    while (i > 0 && is_blank(e->line[i - 1]))
        i--;
    while (i > 0 && !is_blank(e->line[i - 1]))
        i--;
    return i;
}

/* Show the history entry step places away (-1 older, +1 newer) instead of the line. */
static void browse_history(struct editor *e, int step)
{
    int to = e->browsing + step;
    if (to < 0 || to > history_count)
        return;
    if (e->browsing == history_count) {
        memcpy(pending, e->line, e->len);
        pending[e->len] = 0;
    }
    e->browsing = to;
    const char *s = to == history_count ? pending : history[to];
    e->len = e->pos = strlen(s);
    memcpy(e->line, s, e->len);
    redraw(e);
}

/* Add a line to the history (not empty ones, nor a repeat of the last one). */
static void add_history(const char *line)
{
    if (!line[0] || (history_count > 0 && !strcmp(history[history_count - 1], line)))
        return;
    char *copy = strdup(line);
    if (!copy)
        return;
    if (history_count == MAX_HISTORY) {
        free(history[0]);
        memmove(history, history + 1, (MAX_HISTORY - 1) * sizeof history[0]);
        history_count--;
    }
    history[history_count++] = copy;
}

/* Read one byte from the terminal: -1 at end of input, -2 if a signal interrupted the read. */
static int read_key(void)
{
    unsigned char c;
    ssize_t n = read(0, &c, 1);
    if (n < 0 && errno == EINTR)
        return -2;
    return n == 1 ? c : -1;
}

/* Handle the rest of an escape sequence: arrows, Home, End, Delete (ESC [ ... or ESC O ...). */
static void escape_sequence(struct editor *e)
{
    int c = read_key(), number = 0;
    if (c != '[' && c != 'O')
        return;
    while ((c = read_key()) >= '0' && c <= '?') /* parameter bytes, as in ESC [ 3 ~ */
        number = c <= '9' ? number * 10 + c - '0' : number;
    if (c == 'A')
        browse_history(e, -1);
    else if (c == 'B')
        browse_history(e, 1);
    else if (c == 'C')
        move_cursor(e, e->pos + 1);
    else if (c == 'D')
        move_cursor(e, e->pos - 1);
    else if (c == 'H' || (c == '~' && (number == 1 || number == 7)))
        move_cursor(e, 0);
    else if (c == 'F' || (c == '~' && (number == 4 || number == 8)))
        move_cursor(e, e->len);
    else if (c == '~' && number == 3)
        delete_text(e, e->pos, e->pos + 1);
}

/* Start a fresh, empty line after ^C. */
static void abandon_line(struct editor *e)
{
    put(2, "^C\n");
    e->len = e->pos = 0;
    e->browsing = history_count;
    last_status = 130;
    put(2, e->prompt);
}

/* Act on one key; returns KEEP_EDITING, LINE_DONE or END_OF_INPUT. */
static int edit_key(struct editor *e, int c)
{
    switch (c) {
    case '\r':
    case '\n':
        put(2, "\n");
        return LINE_DONE;
    case 0x04: /* ^D: end of input on an empty line, else delete under the cursor */
        if (e->len == 0)
            return END_OF_INPUT;
        delete_text(e, e->pos, e->pos + 1);
        break;
    case 0x03: /* ^C */
        abandon_line(e);
        break;
    case 0x7f: /* backspace */
    case 0x08:
        delete_text(e, e->pos - 1, e->pos);
        break;
    case 0x01: /* ^A */
        move_cursor(e, 0);
        break;
    case 0x05: /* ^E */
        move_cursor(e, e->len);
        break;
    case 0x02: /* ^B */
        move_cursor(e, e->pos - 1);
        break;
    case 0x06: /* ^F */
        move_cursor(e, e->pos + 1);
        break;
    case 0x0b: /* ^K: kill to the end */
        delete_text(e, e->pos, e->len);
        break;
    case 0x15: /* ^U: kill to the start */
        delete_text(e, 0, e->pos);
        break;
    case 0x17: /* ^W: erase the word before the cursor */
        delete_text(e, word_start(e), e->pos);
        break;
    case 0x0c: /* ^L: clear the screen */
        put(2, "\x1b[H\x1b[2J");
        redraw(e);
        break;
    case 0x10: /* ^P (on nest the console keeps ^P for its process table; on Linux it works) */
        browse_history(e, -1);
        break;
    case 0x0e: /* ^N */
        browse_history(e, 1);
        break;
    case 0x1b:
        escape_sequence(e);
        break;
    default: /* other control keys (^Z, ^\, tab) are ignored */
        if (c >= 0x20)
            insert_char(e, c);
        break;
    }
    return KEEP_EDITING;
}

/* Read a line from the terminal with editing into line (MAX_LINE bytes); returns its length,
 * or -1 at end of input. ISIG is off while editing, so ^C arrives as a byte. */
static int edit_line(const char *prompt, char *line)
{
    struct termios cooked, raw;
    struct editor e = {line, 0, 0, prompt, history_count};
    int result = KEEP_EDITING;
    tcgetattr(0, &cooked);
    raw = cooked;
    raw.c_lflag &= ~(ICANON | ECHO | ISIG | IEXTEN);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    tcsetattr(0, TCSANOW, &raw);
    put(2, prompt);
    while (result == KEEP_EDITING) {
        int c = read_key();
        result = c == -1 ? END_OF_INPUT : edit_key(&e, c == -2 ? 0x03 : c);
    }
    tcsetattr(0, TCSANOW, &cooked);
    line[e.len] = 0;
    return result == END_OF_INPUT ? -1 : e.len;
}

/* ---------------------------------------------------------------------------------------------
 * Start-up and the interactive loop
 */

/* The prompt: $PS1, else "# " for root and "$ " for others. */
static const char *prompt(void)
{
    const char *ps1 = get_var("PS1");
    return ps1 ? ps1 : getuid() == 0 ? "# " : "$ ";
}

/* Become an interactive shell: ignore ^C, ^\ and ^Z, wait to be in the foreground, then take
 * the terminal for our own process group so that jobs can have theirs. */
static void start_interactive(void)
{
    pid_t foreground, old_pgid = getpgrp();
    if (is_terminal(0)) {
        while ((foreground = tcgetpgrp(0)) > 0 && foreground != getpgrp())
            kill(0, SIGTTIN); /* we were started in the background: stop until fg */
    }
    set_job_signals(SIG_IGN);
    signals_ignored = 1;
    if (!is_terminal(0))
        return;
    setpgid(0, 0);
    shell_pgid = getpgrp();
    if (tcsetpgrp(0, shell_pgid) < 0) {
        errorf("no job control in this shell: %s", strerror(errno));
        setpgid(0, old_pgid);
        return;
    }
    tcgetattr(0, &shell_modes);
    job_control = 1;
}

/* Read and run commands from the user until end of input: report jobs, prompt, read, run. */
static void interactive_loop(void)
{
    struct reader *r = new_reader(0);
    if (!r)
        exit_shell(1);
    for (;;) {
        reap_jobs();
        notify_jobs();
        int n;
        lines_read++;
        if (is_terminal(0)) {
            n = edit_line(prompt(), r->line);
        } else {
            put(2, prompt());
            n = read_line(r);
        }
        if (n < 0) {
            put(2, "\n");
            exit_shell(last_status);
            continue;
        }
        add_history(r->line);
        run_line(r->line);
    }
}

/* Run a script file with the positional parameters already set; returns its status. */
static int run_script(const char *file)
{
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        errorf("%s: %s", file, strerror(errno));
        return errno == ENOENT ? 127 : 126;
    }
    return run_file(fd);
}

/* Take in the environment as exported variables. */
static void import_environment(char **env)
{
    for (; *env; env++) {
        int len = name_length(*env);
        if (len > 0 && (*env)[len] == '=')
            assign(*env, 1);
    }
}

/* sh [-i] [-c COMMAND [NAME [ARG...]] | SCRIPT [ARG...]] */
int main(int argc, char **argv)
{
    const char *command = NULL;
    char *script = NULL;
    int i, with_c = 0, force_interactive = 0;
    shell_pid = getpid();
    script_name = argv[0];
    set_signal(SIGCHLD, SIG_DFL); /* if it came ignored, waitpid would find no children */
    import_environment(environ);
    for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        }
        for (const char *f = argv[i] + 1; *f; f++) {
            if (*f != 'c' && *f != 'i') {
                errorf("-%c: invalid option", *f);
                return 2;
            }
            with_c |= *f == 'c';
            force_interactive |= *f == 'i';
        }
    }
    if (with_c && i == argc) {
        errorf("-c: option requires an argument");
        return 2;
    }
    if (with_c) {
        command = argv[i++];
        if (i < argc)
            script_name = argv[i++]; /* sh -c 'COMMAND' NAME ARG...: NAME is $0 */
    } else if (i < argc) {
        script = script_name = argv[i++];
    }
    positional = argv + i;
    npositional = argc - i;
    interactive = force_interactive ||
                  (!command && !script && is_terminal(0) && is_terminal(2));
    if (interactive)
        start_interactive();
    if (command)
        exit_shell(run_line(command));
    if (script)
        exit_shell(run_script(script));
    if (interactive)
        interactive_loop();
    exit_shell(run_file(0));
    return last_status;
}
