// ABI: pidns
/* pidns_init_signals.c - signals and a namespace's init: signals whose action is the default
 * are ignored when sent from inside the namespace (kill still returns 0), even SIGKILL and
 * SIGSTOP; a handled signal is delivered with si_pid set to the sender's PID, or to 0 when the
 * sender is in an ancestor namespace; from an ancestor namespace SIGTERM (default action) is
 * still ignored, while SIGSTOP stops and SIGKILL kills the init.
 * ABI test: run inside "unshare -p -f --mount-proc" on Linux and nest's own unshare on nest;
 * tests/abi/run.py compares the outputs, which must be identical.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The symbolic name of errno value ERROR, so that a difference reads "ENOENT vs EACCES". */
static const char *errno_name(int error)
{
    static const char *const names[] = {
        [EPERM] = "EPERM",   [ESRCH] = "ESRCH",   [ECHILD] = "ECHILD",
        [EINVAL] = "EINVAL", [ENOSYS] = "ENOSYS",
    };
    static char number[24];

    if (error > 0 && error < (int)(sizeof(names) / sizeof(names[0])) && names[error] != NULL)
        return names[error];
    snprintf(number, sizeof(number), "errno %d", error);
    return number;
}

/* Print "WHAT -> RESULT" with the errno name for a failure. */
static void print_result(const char *what, int result, int error)
{
    if (result < 0)
        printf("%s -> -1 %s\n", what, errno_name(error));
    else
        printf("%s -> %d\n", what, result);
}

static void sleep_ms(long milliseconds)
{
    struct timespec delay = { milliseconds / 1000, (milliseconds % 1000) * 1000000 };

    while (nanosleep(&delay, &delay) < 0 && errno == EINTR)
        continue;
}

/* The siginfo of the last SIGUSR1, and where to send it (-1: keep it). */
static volatile sig_atomic_t usr1_count;
static siginfo_t usr1_info;
static int usr1_report_fd = -1;

static void on_usr1(int signal, siginfo_t *info, void *context)
{
    int facts[2] = { info->si_pid, info->si_code };

    (void)signal, (void)context;
    usr1_info = *info;
    usr1_count++;
    if (usr1_report_fd >= 0 && write(usr1_report_fd, facts, sizeof(facts)) != sizeof(facts))
        usr1_count = -1;
}

static void catch_usr1(void)
{
    struct sigaction action;

    memset(&action, 0, sizeof(action));
    action.sa_sigaction = on_usr1;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&action.sa_mask);
    sigaction(SIGUSR1, &action, NULL);
}

static const char *code_name(int code)
{
    return code == SI_USER ? "SI_USER" : code == SI_TKILL ? "SI_TKILL" : "other";
}

/* A child of an init sends it signals: each default-action one must be ignored. */
static void send_from_inside(const char *indent, int with_stop)
{
    static const struct {
        int number;
        const char *name;
    } signals[] = {
        { SIGTERM, "SIGTERM" }, { SIGINT, "SIGINT" },   { SIGHUP, "SIGHUP" },
        { SIGUSR2, "SIGUSR2" }, { SIGKILL, "SIGKILL" }, { SIGSTOP, "SIGSTOP" },
    };
    char what[64];
    int status = 0;

    pid_t child = fork();
    if (child == 0) {
        for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
            if (signals[i].number == SIGSTOP && !with_stop)
                continue;
            snprintf(what, sizeof(what), "%s  child %d: kill(1, %s)", indent, (int)getpid(),
                     signals[i].name);
            errno = 0;
            int result = kill(1, signals[i].number);
            print_result(what, result, errno);
        }
        snprintf(what, sizeof(what), "%s  child %d: kill(1, SIGUSR1)", indent, (int)getpid());
        errno = 0;
        int result = kill(1, SIGUSR1);
        print_result(what, result, errno);
        _exit(0);
    }
    waitpid(child, &status, 0);
    sleep_ms(50);
    printf("%sinit %d is still running after its child's signals: yes\n", indent, (int)getpid());
    printf("%sits SIGUSR1 handler ran %d time(s), si_pid %d (the child is %d), si_code %s\n",
           indent, (int)usr1_count, (int)usr1_info.si_pid, (int)child,
           code_name(usr1_info.si_code));
}

/* Wait up to TIMEOUT_MS for READ_FD to have data; read SIZE bytes into BUFFER. */
static int read_with_timeout(int read_fd, void *buffer, size_t size, int timeout_ms)
{
    struct pollfd entry = { .fd = read_fd, .events = POLLIN };

    if (poll(&entry, 1, timeout_ms) != 1)
        return 0;
    return read(read_fd, buffer, size) == (long)size;
}

/* The first letter of PID's State in /proc. */
static char state_letter(pid_t pid)
{
    char path[64], buffer[1024];
    int fd;
    long length;

    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    fd = open(path, O_RDONLY);
    if (fd < 0)
        return '?';
    length = read(fd, buffer, sizeof(buffer) - 1);
    close(fd);
    buffer[length > 0 ? length : 0] = '\0';
    char *state = strstr(buffer, "State:");
    if (state == NULL)
        return '?';
    state += 6;
    while (*state == ' ' || *state == '\t')
        state++;
    return *state;
}

/* Wait up to two seconds for a change in CHILD reported by waitpid with OPTIONS | WNOHANG. */
static pid_t wait_briefly(pid_t child, int *status, int options)
{
    for (int i = 0; i < 200; i++) {
        pid_t result = waitpid(child, status, options | WNOHANG);
        if (result != 0)
            return result;
        sleep_ms(10);
    }
    return 0;
}

/* A nested namespace's init, then signals to it from its parent's namespace. */
static void check_nested_init(void)
{
    int report[2], done[2], status = 0, facts[2] = { -1, -1 };
    char byte;

    if (pipe(report) < 0 || pipe(done) < 0)
        return;
    unshare(CLONE_NEWPID);
    pid_t nested = fork();
    if (nested == 0) {
        close(report[0]);
        close(done[0]);
        catch_usr1();
        usr1_count = 0;
        send_from_inside("  ", 1);
        usr1_report_fd = report[1];
        close(done[1]);
        for (;;)
            pause();
    }
    close(report[1]);
    close(done[1]);
    struct pollfd finished = { .fd = done[0], .events = POLLIN };
    if (poll(&finished, 1, 10000) != 1 || read(done[0], &byte, 1) != 0)
        printf("the nested init did not finish within 10 s\n");
    char state = '?';
    for (int i = 0; i < 200 && (state = state_letter(nested)) != 'S'; i++)
        sleep_ms(10);
    printf("the nested init (pid %d here) is sleeping, not stopped: State %c\n", (int)nested,
           state);

    kill(nested, SIGUSR1);
    if (read_with_timeout(report[0], facts, sizeof(facts), 5000))
        printf("SIGUSR1 from the parent namespace: the nested init's handler saw si_pid %d, "
               "si_code %s\n",
               facts[0], code_name(facts[1]));
    else
        printf("SIGUSR1 from the parent namespace: the handler did not report within 5 s\n");

    kill(nested, SIGTERM);
    sleep_ms(100);
    printf("SIGTERM (default action) from the parent namespace is ignored by the nested init: %s\n",
           waitpid(nested, &status, WNOHANG) == 0 ? "yes" : "no");

    kill(nested, SIGSTOP);
    if (wait_briefly(nested, &status, WUNTRACED) == nested && WIFSTOPPED(status))
        printf("SIGSTOP from the parent namespace: the nested init is stopped by signal %d\n",
               WSTOPSIG(status));
    else
        printf("SIGSTOP from the parent namespace: the nested init did not stop\n");
    kill(nested, SIGCONT);
    if (wait_briefly(nested, &status, WCONTINUED) == nested && WIFCONTINUED(status))
        printf("SIGCONT from the parent namespace: the nested init continued\n");
    else
        printf("SIGCONT from the parent namespace: no continue reported\n");

    kill(nested, SIGKILL);
    if (wait_briefly(nested, &status, 0) == nested && WIFSIGNALED(status))
        printf("SIGKILL from the parent namespace: the nested init was killed by signal %d\n",
               WTERMSIG(status));
    else
        printf("SIGKILL from the parent namespace: the nested init did not die within 2 s\n");
    close(report[0]);
    close(done[0]);
}

int main(void)
{
    sigset_t none;

    setvbuf(stdout, NULL, _IONBF, 0);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int signal = 1; signal < 32; signal++) {
        if (signal != SIGKILL && signal != SIGSTOP)
            sigaction(signal, &(struct sigaction){ .sa_handler = SIG_DFL }, NULL);
    }
    catch_usr1();
    printf("signals from a child to the test's init:\n");
    send_from_inside("", 0);
    printf("a nested namespace:\n");
    check_nested_init();
    return 0;
}
