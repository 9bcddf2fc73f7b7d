/* proc_execve.c - execve: argument and environment passing, "#!" scripts run through their
 * interpreter, and the errors for missing files, non-ELF files, directories, files without
 * execute permission and bad pointers. The PID survives the exec.
 * ABI test: tests/abi/run.py runs it on Linux and on nest; the outputs must be identical.
 * Helper modes: "PROGRAM --echo-args ARGS..." (or with ABI_ECHO_ARGS=1 in the environment)
 * prints its arguments; "PROGRAM --check-pid PID" says whether its PID is PID.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char temp_dir[64]; /* this run's directory in /tmp, printed as $TMP */

/* The symbolic name of errno value ERROR, so that a difference reads "ENOENT vs EACCES". */
static const char *errno_name(int error)
{
    static const char *const names[] = {
        [EPERM] = "EPERM",     [ENOENT] = "ENOENT", [E2BIG] = "E2BIG",
        [ENOEXEC] = "ENOEXEC", [EBADF] = "EBADF",   [ENOMEM] = "ENOMEM",
        [EACCES] = "EACCES",   [EFAULT] = "EFAULT", [ENOTDIR] = "ENOTDIR",
        [EISDIR] = "EISDIR",   [EINVAL] = "EINVAL", [ETXTBSY] = "ETXTBSY",
        [ENOSYS] = "ENOSYS",   [ELOOP] = "ELOOP",   [ENAMETOOLONG] = "ENAMETOOLONG",
    };
    static char number[24];

    if (error > 0 && error < (int)(sizeof(names) / sizeof(names[0])) && names[error] != NULL)
        return names[error];
    snprintf(number, sizeof(number), "errno %d", error);
    return number;
}

/* Print TEXT with this run's temporary directory shown as "$TMP". */
static void print_masked(const char *text)
{
    size_t length = strlen(temp_dir);
    const char *at;

    while (length > 0 && (at = strstr(text, temp_dir)) != NULL) {
        printf("%.*s$TMP", (int)(at - text), text);
        text = at + length;
    }
    printf("%s", text);
}

/* The --echo-args helper: print argc, the name of argv[0] and every other argument. */
static int echo_arguments(int argc, char **argv)
{
    const char *value = getenv("ABI_VALUE");
    char *copy = strdup(argv[0]);

    snprintf(temp_dir, sizeof(temp_dir), "%s", getenv("ABI_TMP") ? getenv("ABI_TMP") : "");
    printf("  echo: argc %d, argv[0] ends in \"%s\"\n", argc, copy ? basename(copy) : "?");
    for (int i = 1; i < argc; i++) {
        printf("  echo: argv[%d] = \"", i);
        print_masked(argv[i]);
        printf("\"\n");
    }
    printf("  echo: ABI_VALUE=%s\n", value ? value : "(unset)");
    return 0;
}

/* An address that is not mapped, hidden from the compiler's checks. */
static void *bad_address(void)
{
    static volatile unsigned long address = 1;

    return (void *)address;
}

/* Write CONTENT to PATH with MODE. */
static void make_file(const char *path, const char *content, size_t length, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

    if (fd < 0 || write(fd, content, length) != (ssize_t)length)
        printf("cannot create a file: %s\n", errno_name(errno));
    close(fd);
    chmod(path, mode);
}

/* Fork a child that runs execve(PATH, ARGV, ENVP); if that fails, the child prints the error.
 * The parent waits and prints how the child ended. */
static void run(const char *what, const char *path, char *const *argv, char *const *envp)
{
    int status = 0;
    pid_t child;

    printf("%s:\n", what);
    child = fork();
    if (child == 0) {
        errno = 0;
        long result = syscall(SYS_execve, path, argv, envp);
        printf("  execve -> %ld %s\n", result, errno_name(errno));
        _exit(127);
    }
    waitpid(child, &status, 0);
    if (WIFEXITED(status))
        printf("  exit status %d\n", WEXITSTATUS(status));
    else
        printf("  killed by signal %d\n", WTERMSIG(status));
}

/* Run self with arguments and an environment, directly. */
static void check_arguments(const char *self)
{
    char env_tmp[96];
    char *argv[] = { (char *)self, "--echo-args", "one", "two words", "", NULL };
    char *envp[] = { "ABI_VALUE=hello", env_tmp, NULL };

    snprintf(env_tmp, sizeof(env_tmp), "ABI_TMP=%s", temp_dir);
    run("execve with four arguments and an environment", self, argv, envp);
}

/* "#!" scripts: with an interpreter argument, without one, with a space after "#!", and
 * with an interpreter that does not exist. */
static void check_scripts(const char *self)
{
    char path[128], text[512], env_tmp[96];
    char *envp[] = { "ABI_VALUE=script", env_tmp, NULL };
    char *echo_envp[] = { "ABI_ECHO_ARGS=1", env_tmp, NULL };

    snprintf(env_tmp, sizeof(env_tmp), "ABI_TMP=%s", temp_dir);
    snprintf(path, sizeof(path), "%s/script-with-arg", temp_dir);
    snprintf(text, sizeof(text), "#!%s --echo-args\nthis line is not read by the kernel\n", self);
    make_file(path, text, strlen(text), 0755);
    char *argv1[] = { path, "a", "b", NULL };
    run("#! script with an interpreter argument", path, argv1, envp);

    snprintf(path, sizeof(path), "%s/script-no-arg", temp_dir);
    snprintf(text, sizeof(text), "#!%s\n", self);
    make_file(path, text, strlen(text), 0755);
    char *argv2[] = { "name-given-as-argv0", "x", NULL };
    run("#! script without an interpreter argument", path, argv2, echo_envp);

    snprintf(path, sizeof(path), "%s/script-space", temp_dir);
    snprintf(text, sizeof(text), "#! %s --echo-args\n", self);
    make_file(path, text, strlen(text), 0755);
    char *argv3[] = { path, NULL };
    run("#! script with a space after #!", path, argv3, envp);

    snprintf(path, sizeof(path), "%s/script-missing", temp_dir);
    snprintf(text, sizeof(text), "#!%s/no-such-interpreter\n", temp_dir);
    make_file(path, text, strlen(text), 0755);
    char *argv4[] = { path, NULL };
    run("#! script whose interpreter is missing", path, argv4, envp);
}

/* Files that cannot be executed. */
static void check_errors(void)
{
    static const char garbage[] = "this is not an ELF file\n\001\002\003";
    static const char short_elf[] = "\177ELF\002\001\001";
    char path[128];
    char *argv[] = { "x", NULL };
    char *envp[] = { NULL };

    snprintf(path, sizeof(path), "%s/missing", temp_dir);
    run("execve of a missing file", path, argv, envp);
    snprintf(path, sizeof(path), "%s/garbage", temp_dir);
    make_file(path, garbage, sizeof(garbage), 0755);
    run("execve of an executable file of garbage", path, argv, envp);
    snprintf(path, sizeof(path), "%s/short-elf", temp_dir);
    make_file(path, short_elf, sizeof(short_elf) - 1, 0755);
    run("execve of a truncated ELF header", path, argv, envp);
    snprintf(path, sizeof(path), "%s/not-executable", temp_dir);
    make_file(path, "#!/bin/sh\n", 10, 0644);
    run("execve of a file without execute permission", path, argv, envp);
    run("execve of a directory", temp_dir, argv, envp);
    snprintf(path, sizeof(path), "%s/garbage/below", temp_dir);
    run("execve of a path through a regular file", path, argv, envp);
    run("execve of an empty path", "", argv, envp);
    run("execve of a bad path pointer", bad_address(), argv, envp);
}

/* Bad argument vectors: a bad array pointer and a bad string pointer inside it. */
static void check_bad_vectors(const char *self)
{
    char *bad_string[] = { (char *)self, bad_address(), NULL };
    char *envp[] = { NULL };

    run("execve with a bad argv pointer", self, bad_address(), envp);
    run("execve with a bad string in argv", self, bad_string, envp);
    run("execve with a bad envp pointer", self, bad_string + 2, bad_address());
}

/* execve keeps the process: the new program has the same PID. */
static void check_pid_kept(const char *self)
{
    int status = 0;
    pid_t child = fork();

    if (child == 0) {
        char pid_text[24];
        char *argv[] = { (char *)self, "--check-pid", pid_text, NULL };
        char *envp[] = { NULL };

        snprintf(pid_text, sizeof(pid_text), "%d", (int)getpid());
        execve(self, argv, envp);
        _exit(127);
    }
    waitpid(child, &status, 0);
    printf("pid unchanged across execve: %s\n",
           WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "yes" : "no");
}

/* Remove the files this test made. */
static void clean_up(void)
{
    static const char *const names[] = { "script-with-arg", "script-no-arg", "script-space",
                                         "script-missing",  "garbage",       "short-elf",
                                         "not-executable" };
    char path[128];

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", temp_dir, names[i]);
        unlink(path);
    }
    rmdir(temp_dir);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if ((argc >= 2 && strcmp(argv[1], "--echo-args") == 0) || getenv("ABI_ECHO_ARGS") != NULL)
        return echo_arguments(argc, argv);
    if (argc == 3 && strcmp(argv[1], "--check-pid") == 0)
        return atoi(argv[2]) == getpid() ? 0 : 1;
    snprintf(temp_dir, sizeof(temp_dir), "/tmp/abi-proc_execve.%d", (int)getpid());
    if (mkdir(temp_dir, 0755) < 0) {
        printf("cannot make the temporary directory: %s\n", errno_name(errno));
        return 1;
    }
    check_arguments(argv[0]);
    check_scripts(argv[0]);
    check_errors();
    check_bad_vectors(argv[0]);
    check_pid_kept(argv[0]);
    clean_up();
    return 0;
}
