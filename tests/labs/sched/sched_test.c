/* sched_test.c - the sched lab's guest program (tests/labs/sched/grade.py runs it under
 * sched=stride).
 *
 *   sched_test TICKS NICE...   one busy child per NICE (it sets its own with setpriority);
 *                              every 50 ms read each child's utime+stime from /proc/PID/stat
 *                              until together they used TICKS clock ticks; print
 *                              "nice N ticks T" per child
 * The shares are judged by the grader against the weights of the nice values.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CHILDREN 8

/* utime + stime of pid, in clock ticks, from /proc/PID/stat (fields 14 and 15). */
static long cpu_ticks(pid_t pid)
{
    char path[64], text[1024];
    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = 0;
    char *p = strrchr(text, ')');
    long utime = 0, stime = 0;
    /* After "(comm)": state, then fields 4..13, then utime (14) and stime (15). */
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %ld %ld", &utime,
                     &stime) != 2)
        return -1;
    return utime + stime;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc < 3 || argc - 2 > MAX_CHILDREN)
        return 2;
    long total = atol(argv[1]);
    int count = argc - 2;
    pid_t children[MAX_CHILDREN];
    /* The parent runs at the highest priority, so that it reads when it means to. */
    setpriority(PRIO_PROCESS, 0, -20);
    for (int i = 0; i < count; i++) {
        int nice = atoi(argv[i + 2]);
        children[i] = fork();
        if (children[i] == 0) {
            setpriority(PRIO_PROCESS, 0, nice);
            for (volatile unsigned long spin = 0;; spin++)
                ;
        }
    }
    long ticks[MAX_CHILDREN];
    struct timespec pause = {0, 50 * 1000 * 1000};
    for (int round = 0; round < 10000; round++) {
        nanosleep(&pause, NULL);
        long sum = 0;
        for (int i = 0; i < count; i++)
            sum += ticks[i] = cpu_ticks(children[i]);
        if (round % 20 == 19)
            printf("sched_test: %ld ticks\n", sum);
        if (sum >= total)
            break;
    }
    for (int i = 0; i < count; i++) {
        kill(children[i], SIGKILL);
        waitpid(children[i], NULL, 0);
        printf("nice %s ticks %ld\n", argv[i + 2], ticks[i]);
    }
    return 0;
}
